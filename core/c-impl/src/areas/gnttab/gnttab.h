/* What the grant-table operations share: where the area's state lives and how a step reports. */
#ifndef HVABI_GNTTAB_H
#define HVABI_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "../../xen/area.h"
#include "options.h"
#include "table.h"

static inline struct gnttab_host *gnttab_options(const struct xen_host *host)
{
    return xen_area_state(host, XEN_AREA_GNTTAB);
}

/* NULL in builds without grant tables. */
static inline struct grant_table *gnttab_table(const struct xen_domain *domain)
{
    struct grant_table *table = xen_domain_area_state(domain, XEN_AREA_GNTTAB);
    return table != NULL && table->version != 0 ? table : NULL;
}

/* GNTTABOP_* exist only in builds with grant tables; otherwise the step ends with ENOSYS. */
bool gnttab_hypercall_exists(struct xen_step *step);

void gnttab_report_status(struct xen_step *step, int status);

/*
 * Marks entry `ref` as in use by domain `user` (setting GTF_reading, and
 * GTF_writing unless read-only): GNTST_okay, or GNTST_general_error when the
 * entry does not grant that use. `mapping` is true for maps, which accept
 * neither sub-page nor transitive entries.
 */
int gnttab_claim_entry(struct grant_table *table, uint32_t ref, bool readonly, bool mapping, uint16_t user);

/* Drops GTF_reading / GTF_writing that the entry's remaining pins no longer justify. */
void gnttab_settle_status(struct grant_table *table, uint32_t ref, bool readonly);

/* A pin increment would overflow one of the entry's 8-bit counters. */
bool gnttab_pin_would_overflow(uint32_t pin, uint32_t increment);

/* The area's operations (area.c lists them). */
void gnttab_map_grant_ref_op(struct xen_step *step);
void gnttab_unmap_grant_ref_op(struct xen_step *step);
void gnttab_copy_op(struct xen_step *step);
void gnttab_set_version_op(struct xen_step *step);
void gnttab_get_version_op(struct xen_step *step);
void gnttab_get_status_frames_op(struct xen_step *step);
void gnttab_transfer_op(struct xen_step *step);
void gnttab_grant_write_op(struct xen_step *step);

#endif
