/* Taking and releasing the use of a grant entry: the type and grantee checks and GTF_reading/GTF_writing. */
#include "gnttab.h"

#include "../../xen/errno.h"

bool gnttab_hypercall_exists(struct xen_step *step)
{
    if (step->host->build.grant_table)
        return true;
    step->outcome->result = xen_result_name(-XEN_ENOSYS);
    return false;
}

void gnttab_report_status(struct xen_step *step, int status)
{
    step->outcome->result = "ok";
    step->outcome->status = gntst_name(status);
}

bool gnttab_pin_would_overflow(uint32_t pin, uint32_t increment)
{
    /* The top bit of every counter the increment touches must be clear. */
    return (pin & (increment << 7)) != 0;
}

int gnttab_claim_entry(struct grant_table *table, uint32_t ref, bool readonly, bool mapping, uint16_t user)
{
    const struct active_entry *active = &table->active[ref];
    uint16_t flags = entry_flags(table, ref);
    unsigned type_mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
    unsigned type = flags & type_mask;
    if (active->pin == 0) {
        /* Only version 2 has transitive entries, and only copies may use them. */
        bool usable = type == GTF_permit_access || (table->version == 2 && !mapping && type == GTF_transitive);
        if (!usable || entry_domid(table, ref) != user)
            return GNTST_general_error;
    }
    if (!readonly && (flags & GTF_readonly))
        return GNTST_general_error;
    uint16_t status = entry_status(table, ref);
    status |= GTF_reading;
    if (!readonly)
        status |= GTF_writing;
    entry_set_status(table, ref, status);
    return GNTST_okay;
}

void gnttab_settle_status(struct grant_table *table, uint32_t ref, bool readonly)
{
    const struct active_entry *active = &table->active[ref];
    uint16_t clear = active->pin == 0 ? GTF_reading : 0;
    if (!readonly && (active->pin & GNTPIN_WRITE_MASK) == 0)
        clear |= GTF_writing;
    if (clear != 0)
        entry_set_status(table, ref, (uint16_t)(entry_status(table, ref) & ~clear));
}
