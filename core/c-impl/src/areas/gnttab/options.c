#include "options.h"

#include <string.h>

#include "../../xen/cmdline.h"
#include "../../xen/errno.h"

void gnttab_boot(struct xen_host *host, void *state)
{
    struct gnttab_host *options = state;
    options->choices = gnttab_choices(host->profile);
    if (!host->build.grant_table) {
        options->max_version = 0;
        options->transitive = false;
        options->transfer = false;
        return;
    }
    const struct gnttab_defaults *defaults =
        host->build.arch == XEN_ARCH_ARM64 ? &options->choices->arm64 : &options->choices->x86_64;
    options->max_version = defaults->max_version;
    options->transitive = defaults->transitive;
    options->transfer = defaults->transfer && host->build.pv;
}

static bool has_prefix(const char *s, const char *e, const char *prefix)
{
    size_t length = strlen(prefix);
    return (size_t)(e - s) >= length && memcmp(s, prefix, length) == 0;
}

/* One element [s, e): true when it is valid (and applied). */
static bool apply_element(const struct xen_host *host, struct gnttab_host *options, const char *s, const char *e)
{
    const struct gnttab_choices *choices = options->choices;
    for (const char *const *prefix = choices->max_version_prefixes; *prefix != NULL; prefix++) {
        if (!has_prefix(s, e, *prefix))
            continue;
        const char *end;
        int64_t version = xen_read_signed_decimal(s + strlen(*prefix), &end);
        if (end != e || version < (int64_t)choices->min_version || version > (int64_t)choices->max_version)
            return false;
        options->max_version = (unsigned)version;
        return true;
    }
    int value = xen_parse_boolean("transitive", s, e);
    if (value >= 0) {
        options->transitive = value;
        return true;
    }
    if (choices->transfer_element && host->build.pv) {
        value = xen_parse_boolean("transfer", s, e);
        if (value >= 0) {
            options->transfer = value;
            return true;
        }
    }
    return false;
}

int gnttab_parse_param(struct xen_host *host, void *state, const char *value)
{
    struct gnttab_host *options = state;
    int rc = 0;
    /* Every comma-separated element is tried, including empty ones (K3). */
    const char *s = value;
    for (;;) {
        const char *e = strchr(s, ',');
        if (e == NULL)
            e = s + strlen(s);
        if (!apply_element(host, options, s, e))
            rc = -XEN_EINVAL;
        if (*e == '\0')
            return rc;
        s = e + 1;
    }
}
