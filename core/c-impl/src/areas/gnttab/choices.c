#include "choices.h"

#include "../../registry.h"

/* xen-pv-abi-facts G1, G2, G4: canonical `max-ver:` plus the XSA-226 alias; `transfer` since 4.17; Arm defaults to 1. */
static const char *const merged_prefixes[] = { "max-ver:", "max_ver:", 0 };

/* Seed 004: `= List of [ max_ver:<integer>, transitive ]`, default `max_ver:2,transitive` everywhere. */
static const char *const seed_prefixes[] = { "max_ver:", 0 };

static const struct gnttab_choices table[PROFILE_COUNT] = {
    [PROFILE_XEN_4_22] = {
        .max_version_prefixes = merged_prefixes,
        .min_version = 1,
        .max_version = 2,
        .transfer_element = true,
        .x86_64 = { .max_version = 2, .transitive = true, .transfer = true },
        .arm64 = { .max_version = 1, .transitive = true, .transfer = false },
    },
    [PROFILE_SEED_PROPOSALS] = {
        .max_version_prefixes = seed_prefixes,
        .min_version = 1,
        .max_version = 2,
        .transfer_element = false,
        .x86_64 = { .max_version = 2, .transitive = true, .transfer = true },
        .arm64 = { .max_version = 2, .transitive = true, .transfer = false },
    },
};

const struct gnttab_choices *gnttab_choices(int profile)
{
    return &table[profile];
}
