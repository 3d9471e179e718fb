/* GNTTABOP_transfer: a domain gives one of its frames to another's accept_transfer entry. */
#include "../../xen/errno.h"
#include "../../xen/model.h"
#include "gnttab.h"

/* The receiving entry must accept a transfer from `sender` and nothing else. */
static bool accepts_transfer(struct grant_table *table, uint32_t ref, uint16_t sender)
{
    return ref < gnttab_nr_entries(table) && entry_flags(table, ref) == GTF_accept_transfer &&
           entry_domid(table, ref) == sender;
}

static int transfer(struct xen_host *host, struct xen_domain *sender, uint64_t frame, uint32_t target_id,
                    uint32_t ref)
{
    if (frame_owner(host, frame) != sender->domid)
        return GNTST_bad_page;
    /* Stealing a page from a translated (HVM) guest is not supported. */
    if (sender->type == DOMAIN_HVM)
        return GNTST_general_error;
    /* A page still mapped through a grant holds extra references and cannot be stolen. */
    if (frame_grant_mappings(host, frame) != 0)
        return GNTST_bad_page;

    /* From here the sender has lost the frame, whatever happens next. */
    frame_set_owner(host, frame, FRAME_NO_OWNER);
    struct xen_domain *target = xen_domain_by_id(host, target_id);
    struct grant_table *table = target != NULL ? gnttab_table(target) : NULL;
    if (target == NULL || !accepts_transfer(table, ref, sender->domid)) {
        frame_discard(host, frame);
        return target == NULL ? GNTST_bad_domain : GNTST_general_error;
    }
    entry_set_flags(table, ref, (uint16_t)(entry_flags(table, ref) | GTF_transfer_committed));
    frame_set_owner(host, frame, target->domid);
    /* A translated guest keeps its own frame number in the entry; others learn the new one. */
    if (target->type != DOMAIN_HVM)
        entry_set_frame(table, ref, frame);
    entry_set_flags(table, ref, (uint16_t)(entry_flags(table, ref) | GTF_transfer_completed));
    return GNTST_okay;
}

void gnttab_transfer_op(struct xen_step *step)
{
    int64_t sender_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    uint64_t frame = arg_hex64(step->run, step->args, "frame");
    uint32_t target = (uint32_t)arg_int(step->run, step->args, "target", 0, DOMID_MAX);
    uint32_t ref = (uint32_t)arg_int(step->run, step->args, "ref", 0, UINT32_MAX);
    struct xen_domain *sender = xen_calling_domain(step->host, sender_id);
    if (!gnttab_hypercall_exists(step))
        return;
    if (!gnttab_options(step->host)->transfer) {
        step->outcome->result = xen_result_name(-XEN_EOPNOTSUPP);
        return;
    }
    gnttab_report_status(step, transfer(step->host, sender, frame, target, ref));
}
