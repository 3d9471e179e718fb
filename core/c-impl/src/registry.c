#include "registry.h"

#include <string.h>

#include "kvm/kvm_machine.h"
#include "xen/machine.h"

static const char *const profile_names[PROFILE_COUNT] = {
    [PROFILE_XEN_4_22] = "xen-4.22",
    [PROFILE_SEED_PROPOSALS] = "seed-proposals",
    [PROFILE_CRPIN_RFC_V1] = "crpin-rfc-v1",
    [PROFILE_CRPIN_RFC_V2] = "crpin-rfc-v2",
    [PROFILE_CRPIN_V3] = "crpin-v3",
};

const struct machine *const registry_machines[] = { &xen_machine, &kvm_machine };
const size_t registry_machine_count = sizeof registry_machines / sizeof registry_machines[0];

static bool same(const char *text, size_t length, const char *name)
{
    return strlen(name) == length && memcmp(text, name, length) == 0;
}

const char *profile_name(int profile)
{
    return profile >= 0 && profile < PROFILE_COUNT ? profile_names[profile] : "?";
}

int profile_find(const char *name, size_t length)
{
    for (int i = 0; i < PROFILE_COUNT; i++)
        if (same(name, length, profile_names[i]))
            return i;
    return -1;
}

const struct machine *area_find(const char *name, size_t length, const struct machine_area **area)
{
    for (size_t m = 0; m < registry_machine_count; m++) {
        const struct machine *machine = registry_machines[m];
        for (size_t a = 0; a < machine->area_count; a++) {
            if (same(name, length, machine->areas[a].name)) {
                *area = &machine->areas[a];
                return machine;
            }
        }
    }
    return NULL;
}
