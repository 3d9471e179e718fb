/*
 * Where the profiles part ways on grant tables, in one table: the `gnttab=`
 * grammar and the defaults per architecture.
 */
#ifndef HVABI_GNTTAB_CHOICES_H
#define HVABI_GNTTAB_CHOICES_H

#include <stdbool.h>

struct gnttab_defaults {
    unsigned max_version;
    bool transitive;
    /* Before the build's gating: transfer needs PV support. */
    bool transfer;
};

struct gnttab_choices {
    /* Element prefixes selecting the maximum version (NULL-terminated). */
    const char *const *max_version_prefixes;
    unsigned min_version;
    unsigned max_version;
    /* Whether the grammar has a `transfer` boolean element (only ever in PV builds). */
    bool transfer_element;
    struct gnttab_defaults x86_64;
    struct gnttab_defaults arm64;
};

const struct gnttab_choices *gnttab_choices(int profile);

#endif
