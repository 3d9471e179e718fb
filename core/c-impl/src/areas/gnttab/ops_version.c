/* GNTTABOP_set_version, GNTTABOP_get_version and GNTTABOP_get_status_frames. */
#include "../../xen/errno.h"
#include "../../xen/model.h"
#include "gnttab.h"

static int set_version(struct grant_table *table, int64_t version)
{
    if (version != 1 && version != 2)
        return -XEN_EINVAL;
    /* A domain limited to version 1 behaves as before set_version existed. */
    if (version == 2 && table->max_version == 1)
        return -XEN_ENOSYS;
    if ((unsigned)version == table->version)
        return 0;
    /* Only the reserved entries may stay in use across a switch. */
    for (uint32_t ref = GNTTAB_RESERVED_ENTRIES; ref < gnttab_nr_entries(table); ref++)
        if (table->active[ref].pin != 0)
            return -XEN_EBUSY;
    if (table->version == 2) {
        /* Version 1 has no transitive entries and 32-bit frames. */
        for (uint32_t ref = 0; ref < GNTTAB_RESERVED_ENTRIES; ref++) {
            unsigned type = entry_flags(table, ref) & GTF_type_mask;
            if (type == GTF_transitive || (type == GTF_permit_access && (entry_frame(table, ref) >> 32) != 0))
                return -XEN_ERANGE;
        }
    }
    gnttab_switch_version(table, (unsigned)version);
    return 0;
}

void gnttab_set_version_op(struct xen_step *step)
{
    int64_t domain_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    int64_t version = arg_int(step->run, step->args, "version", 0, UINT32_MAX);
    struct xen_domain *domain = xen_calling_domain(step->host, domain_id);
    if (!gnttab_hypercall_exists(step))
        return;
    struct grant_table *table = gnttab_table(domain);
    step->outcome->result = xen_result_name(set_version(table, version));
    /* Every exit writes the version in force back into op.version. */
    outcome_return(step->outcome, "version", value_int(table->version));
}

void gnttab_get_version_op(struct xen_step *step)
{
    int64_t caller_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    uint32_t target_id = (uint32_t)arg_int(step->run, step->args, "target", 0, DOMID_MAX);
    struct xen_domain *caller = xen_calling_domain(step->host, caller_id);
    if (!gnttab_hypercall_exists(step))
        return;
    struct xen_domain *target = xen_domain_by_any_id(step->host, target_id, caller);
    if (target == NULL) {
        step->outcome->result = xen_result_name(-XEN_ESRCH);
        return;
    }
    if (!xsm_target_allowed(caller, target)) {
        step->outcome->result = xen_result_name(-XEN_EPERM);
        return;
    }
    step->outcome->result = "ok";
    outcome_return(step->outcome, "version", value_int(gnttab_table(target)->version));
}

void gnttab_get_status_frames_op(struct xen_step *step)
{
    int64_t caller_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    uint32_t target_id = (uint32_t)arg_int(step->run, step->args, "target", 0, DOMID_MAX);
    int64_t wanted = arg_int(step->run, step->args, "nrFrames", 0, 64);
    int64_t count = arg_int(step->run, step->args, "count", 0, 16);
    struct xen_domain *caller = xen_calling_domain(step->host, caller_id);
    if (!gnttab_hypercall_exists(step))
        return;
    if (count != 1) {
        step->outcome->result = xen_result_name(-XEN_EINVAL);
        return;
    }
    struct xen_domain *target = xen_domain_by_any_id(step->host, target_id, caller);
    if (target == NULL) {
        gnttab_report_status(step, GNTST_bad_domain);
        return;
    }
    if (!xsm_target_allowed(caller, target)) {
        gnttab_report_status(step, GNTST_permission_denied);
        return;
    }
    if (wanted > (int64_t)gnttab_nr_status_frames(gnttab_table(target))) {
        gnttab_report_status(step, GNTST_general_error);
        return;
    }
    gnttab_report_status(step, GNTST_okay);
    outcome_return(step->outcome, "frames", value_int(wanted));
}
