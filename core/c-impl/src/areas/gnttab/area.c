/* The grant-table area of the Xen machine: `gnttab=`, per-domain tables, operations and state keys. */
#include "../../xen/errno.h"
#include "../../xen/model.h"
#include "../../xen/state_key.h"
#include "gnttab.h"

static bool grant_table_built(const struct xen_host *host)
{
    return host->build.grant_table;
}

static const struct xen_param params[] = {
    { "gnttab", grant_table_built, gnttab_parse_param },
};

/* grant_opts as the toolstack fills it: raw, or from max_grant_version, else the highest version physinfo offers. */
static uint64_t requested_grant_opts(struct xen_host *host, const struct domain_request *request)
{
    uint64_t opts;
    if (arg_hex64_optional(host->run, request->config, "grantOpts", &opts))
        return opts;
    int64_t max_version;
    if (arg_int_optional(host->run, request->config, "maxGrantVersion", 0, 15, &max_version))
        return (uint64_t)max_version;
    unsigned host_max = gnttab_options(host)->max_version;
    return host_max >= 2 ? 2 : host_max >= 1 ? 1 : 0;
}

#define GRANT_OPTS_VERSION_MASK 0xfu

static int domain_sanitise(struct xen_host *host, void *state, const struct domain_request *request)
{
    (void)state;
    return (requested_grant_opts(host, request) & ~(uint64_t)GRANT_OPTS_VERSION_MASK) != 0 ? -XEN_EINVAL : 0;
}

static int domain_init(struct xen_host *host, void *state, struct xen_domain *domain, void *domain_state,
                       const struct domain_request *request)
{
    (void)domain;
    const struct gnttab_host *options = state;
    struct grant_table *table = domain_state;
    uint64_t opts = requested_grant_opts(host, request);
    if (!host->build.grant_table)
        return opts != 0 ? -XEN_EINVAL : 0; /* no table; any option is refused */
    unsigned max_version = (unsigned)(opts & GRANT_OPTS_VERSION_MASK);
    if (max_version == 0 || max_version > options->max_version)
        return -XEN_EINVAL;
    table->version = 1;
    table->max_version = max_version;
    maptrack_init(&table->maptrack);
    return 0;
}

static void physinfo(struct xen_host *host, void *state, struct step_outcome *outcome)
{
    (void)host;
    const struct gnttab_host *options = state;
    outcome_return(outcome, "cap.gnttab_v1", value_bool(options->max_version >= 1));
    outcome_return(outcome, "cap.gnttab_v2", value_bool(options->max_version >= 2));
}

static const char *const type_names[] = { "invalid", "permit_access", "accept_transfer", "transitive" };

/* d{domid}.grant[{ref}].<field> */
static struct value read_entry(struct grant_table *table, uint64_t ref, struct key_cursor *cursor, bool *known)
{
    static const char *const fields[] = { "type", "grantee", "frame", "reading", "writing", "transferCompleted",
                                          "pinned", NULL };
    int field = -1;
    for (int i = 0; fields[i] != NULL; i++)
        if (key_is(cursor, fields[i]))
            field = i;
    *known = field >= 0;
    if (field < 0 || table == NULL || ref >= gnttab_nr_entries(table))
        return value_absent();
    uint32_t r = (uint32_t)ref;
    switch (field) {
    case 0: return value_text(type_names[entry_flags(table, r) & GTF_type_mask]);
    case 1: return value_int(entry_domid(table, r));
    case 2: return value_hex64(entry_frame(table, r));
    case 3: return value_bool(entry_status(table, r) & GTF_reading);
    case 4: return value_bool(entry_status(table, r) & GTF_writing);
    case 5: {
        /* A subflag of accept_transfer entries only: other types use the same bit as GTF_reading. */
        uint16_t flags = entry_flags(table, r);
        return value_bool((flags & GTF_type_mask) == GTF_accept_transfer && (flags & GTF_transfer_completed));
    }
    default: return value_bool(table->active[r].pin != 0);
    }
}

static bool read_state(struct xen_host *host, void *state, const char *key, size_t length, struct value *value)
{
    const struct gnttab_host *options = state;
    struct key_cursor cursor = key_cursor(key, length);
    if (key_take(&cursor, "xen.gnttab.")) {
        if (key_is(&cursor, "maxVersion"))
            *value = value_int(options->max_version);
        else if (key_is(&cursor, "transitive"))
            *value = value_bool(options->transitive);
        else if (key_is(&cursor, "transfer"))
            *value = value_bool(options->transfer);
        else
            return false;
        return true;
    }
    uint64_t domid;
    if (!key_take_domain(&cursor, &domid))
        return false;
    const struct xen_domain *domain = domid <= DOMID_MAX ? xen_domain_by_id(host, (uint32_t)domid) : NULL;
    struct grant_table *table = domain != NULL ? gnttab_table(domain) : NULL;
    if (key_take(&cursor, "gnttab.")) {
        if (key_is(&cursor, "version"))
            *value = table != NULL ? value_int(table->version) : value_absent();
        else if (key_is(&cursor, "maxVersion"))
            *value = table != NULL ? value_int(table->max_version) : value_absent();
        else if (key_is(&cursor, "statusFrames"))
            *value = table != NULL ? value_int(gnttab_nr_status_frames(table)) : value_absent();
        else
            return false;
        return true;
    }
    uint64_t ref;
    if (key_take(&cursor, "grant[") && key_take_decimal(&cursor, UINT64_MAX, &ref) && key_take(&cursor, "].")) {
        bool known;
        *value = read_entry(table, ref, &cursor, &known);
        return known;
    }
    return false;
}

static const struct xen_op ops[] = {
    { "grant_write", gnttab_grant_write_op },
    { "gnttab_map_grant_ref", gnttab_map_grant_ref_op },
    { "gnttab_unmap_grant_ref", gnttab_unmap_grant_ref_op },
    { "gnttab_copy", gnttab_copy_op },
    { "gnttab_set_version", gnttab_set_version_op },
    { "gnttab_get_version", gnttab_get_version_op },
    { "gnttab_get_status_frames", gnttab_get_status_frames_op },
    { "gnttab_transfer", gnttab_transfer_op },
};

const struct xen_area gnttab_area = {
    .name = "gnttab",
    .host_state_size = sizeof(struct gnttab_host),
    .domain_state_size = sizeof(struct grant_table),
    .boot = gnttab_boot,
    .params = params,
    .param_count = sizeof params / sizeof params[0],
    .domain_sanitise = domain_sanitise,
    .domain_init = domain_init,
    .physinfo = physinfo,
    .ops = ops,
    .op_count = sizeof ops / sizeof ops[0],
    .read_state = read_state,
};
