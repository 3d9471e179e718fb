/* The host's grant-table options: defaults at boot, then the `gnttab=` parameter. */
#ifndef HVABI_GNTTAB_OPTIONS_H
#define HVABI_GNTTAB_OPTIONS_H

#include <stdbool.h>

#include "../../xen/host.h"
#include "choices.h"

struct gnttab_host {
    const struct gnttab_choices *choices;
    /* opt_gnttab_max_version: 0 in builds without grant tables. */
    unsigned max_version;
    bool transitive;
    bool transfer;
};

void gnttab_boot(struct xen_host *host, void *state);

/* The `gnttab=` handler: 0, or -EINVAL when any element is invalid (valid ones still apply). */
int gnttab_parse_param(struct xen_host *host, void *state, const char *value);

#endif
