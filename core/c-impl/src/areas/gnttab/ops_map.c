/* GNTTABOP_map_grant_ref and GNTTABOP_unmap_grant_ref. */
#include <string.h>

#include "../../xen/model.h"
#include "gnttab.h"

static const char *const map_flag_names[] = { "device_map", "host_map", "readonly", "application_map",
                                              "contains_pte", NULL };
static const unsigned map_flag_bits[] = { GNTMAP_device_map, GNTMAP_host_map, GNTMAP_readonly,
                                          GNTMAP_application_map, GNTMAP_contains_pte };

static unsigned read_map_flags(struct xen_step *step)
{
    const struct json_value *list = arg_array(step->run, step->args, "flags");
    unsigned flags = 0;
    size_t index = 0;
    for (const struct json_value *item = list->u.first; item != NULL; item = item->next, index++) {
        int found = -1;
        for (int i = 0; map_flag_names[i] != NULL; i++)
            if (json_is_string(item, map_flag_names[i]))
                found = i;
        if (found < 0)
            case_fail(step->run,
                      "args.flags[%zu] must be one of host_map, device_map, readonly, application_map, contains_pte",
                      index);
        flags |= map_flag_bits[found];
    }
    return flags;
}

static uint32_t pin_increment(unsigned flags)
{
    bool readonly = flags & GNTMAP_readonly;
    uint32_t increment = 0;
    if (flags & GNTMAP_device_map)
        increment += readonly ? GNTPIN_devr_inc : GNTPIN_devw_inc;
    if (flags & GNTMAP_host_map)
        increment += readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
    return increment;
}

/* The status of mapping `ref` of `granter` for `mapper`; pins the entry on success. */
static int pin_for_map(struct xen_host *host, struct xen_domain *mapper, struct xen_domain *granter, uint32_t ref,
                       unsigned flags, uint32_t increment)
{
    struct grant_table *table = gnttab_table(granter);
    if (ref >= gnttab_nr_entries(table))
        return GNTST_bad_gntref;
    struct active_entry *active = &table->active[ref];
    bool readonly = flags & GNTMAP_readonly;
    if (active->pin != 0 &&
        (active->domid != mapper->domid || gnttab_pin_would_overflow(active->pin, increment) || active->is_sub_page))
        return GNTST_general_error;
    if (active->pin == 0 || (!readonly && (active->pin & GNTPIN_WRITE_MASK) == 0)) {
        int status = gnttab_claim_entry(table, ref, readonly, true, mapper->domid);
        if (status != GNTST_okay)
            return status;
        if (active->pin == 0) {
            uint64_t frame = entry_frame(table, ref);
            if (frame_owner(host, frame) != granter->domid) {
                gnttab_settle_status(table, ref, readonly);
                return GNTST_bad_page;
            }
            active->domid = mapper->domid;
            active->frame = frame;
            active->start = 0;
            active->length = XEN_PAGE_SIZE;
            active->is_sub_page = false;
            active->src_domid = granter->domid;
            active->trans_gref = ref;
        }
    }
    active->pin += increment;
    frame_adjust_grant_mappings(host, active->frame, +1);
    return GNTST_okay;
}

void gnttab_map_grant_ref_op(struct xen_step *step)
{
    struct xen_host *host = step->host;
    int64_t mapper_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    int64_t granter_id = arg_int(step->run, step->args, "granter", 0, DOMID_MAX);
    uint32_t ref = (uint32_t)arg_int(step->run, step->args, "ref", 0, UINT32_MAX);
    unsigned flags = read_map_flags(step);
    struct xen_domain *mapper = xen_calling_domain(host, mapper_id);
    if (!gnttab_hypercall_exists(step))
        return;

    uint32_t increment = pin_increment(flags);
    if (increment == 0) {
        gnttab_report_status(step, GNTST_bad_gntref);
        return;
    }
    if (mapper->type == DOMAIN_HVM && (flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))) {
        gnttab_report_status(step, GNTST_general_error);
        return;
    }
    struct xen_domain *granter = xen_domain_by_id(host, (uint32_t)granter_id);
    if (granter == NULL) {
        gnttab_report_status(step, GNTST_bad_domain);
        return;
    }
    struct maptrack *maptrack = &gnttab_table(mapper)->maptrack;
    uint32_t handle = maptrack_get(maptrack, step->run);
    if (handle == MAPTRACK_NONE) {
        gnttab_report_status(step, GNTST_no_space);
        return;
    }
    int status = pin_for_map(host, mapper, granter, ref, flags, increment);
    if (status != GNTST_okay) {
        /* The handle was taken before the checks and goes back to the tail of the free list. */
        maptrack_put(maptrack, handle);
        gnttab_report_status(step, status);
        return;
    }
    struct maptrack_entry *entry = maptrack_entry(maptrack, handle);
    entry->domid = granter->domid;
    entry->ref = ref;
    entry->flags = (uint16_t)flags;
    gnttab_report_status(step, GNTST_okay);
    outcome_return(step->outcome, "handle", value_int(handle));
}

void gnttab_unmap_grant_ref_op(struct xen_step *step)
{
    struct xen_host *host = step->host;
    int64_t mapper_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    uint32_t handle = (uint32_t)arg_int(step->run, step->args, "handle", 0, UINT32_MAX);
    struct xen_domain *mapper = xen_calling_domain(host, mapper_id);
    if (!gnttab_hypercall_exists(step))
        return;

    struct maptrack *maptrack = &gnttab_table(mapper)->maptrack;
    if (handle >= maptrack->limit || maptrack_entry(maptrack, handle)->flags == 0) {
        gnttab_report_status(step, GNTST_bad_handle);
        return;
    }
    struct maptrack_entry *entry = maptrack_entry(maptrack, handle);
    /* Domains are never destroyed in the case model, so the granter is still there. */
    struct xen_domain *granter = xen_domain_by_id(host, entry->domid);
    struct grant_table *table = gnttab_table(granter);
    uint32_t ref = entry->ref;
    if (ref >= gnttab_nr_entries(table)) {
        gnttab_report_status(step, GNTST_bad_handle);
        return;
    }
    unsigned flags = entry->flags;
    maptrack_put(maptrack, handle);

    /* The model's unmap names no addresses: it removes every mapping the handle holds. */
    struct active_entry *active = &table->active[ref];
    bool readonly = flags & GNTMAP_readonly;
    active->pin -= pin_increment(flags);
    frame_adjust_grant_mappings(host, active->frame, -1);
    gnttab_settle_status(table, ref, readonly);
    gnttab_report_status(step, GNTST_okay);
}
