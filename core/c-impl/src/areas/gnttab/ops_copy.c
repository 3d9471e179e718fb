/* GNTTABOP_copy, the one operation that follows transitive grants. */
#include <string.h>

#include "../../xen/model.h"
#include "gnttab.h"

/* What a claimed side of a copy may touch. */
struct copy_window {
    uint64_t frame;
    uint16_t start;
    uint16_t length;
};

/*
 * Pins entry `ref` of `granter` for a copy by domain `user` and tells which
 * frame and byte range it reaches. A transitive entry is followed one level,
 * the next grant being checked as granted to `granter`.
 */
static int acquire_for_copy(struct xen_host *host, struct xen_domain *granter, uint32_t ref, uint16_t user,
                            bool readonly, bool follow_transitive, struct copy_window *window)
{
    struct grant_table *table = gnttab_table(granter);
    if (ref >= gnttab_nr_entries(table))
        return GNTST_bad_gntref;
    struct active_entry *active = &table->active[ref];
    uint32_t increment = readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
    if (active->pin != 0 && (active->domid != user || gnttab_pin_would_overflow(active->pin, increment)))
        return GNTST_general_error;

    uint32_t old_pin = active->pin;
    bool needs_claim = old_pin == 0 || (!readonly && (old_pin & GNTPIN_WRITE_MASK) == 0);
    uint16_t flags = entry_flags(table, ref);
    if (table->version == 2 && (flags & GTF_type_mask) == GTF_transitive) {
        if (needs_claim) {
            int status = gnttab_claim_entry(table, ref, readonly, false, user);
            if (status != GNTST_okay)
                return status;
        }
        uint16_t trans_domid = entry_trans_domid(table, ref);
        uint32_t trans_gref = entry_trans_gref(table, ref);
        struct xen_domain *next = NULL;
        /* Transitivity must be allowed, may not point back at the granter itself, and its domain must exist. */
        if (follow_transitive && trans_domid != granter->domid)
            next = xen_domain_by_id(host, trans_domid);
        if (next == NULL) {
            gnttab_settle_status(table, ref, readonly);
            return GNTST_general_error;
        }
        struct copy_window inner;
        int status = acquire_for_copy(host, next, trans_gref, granter->domid, readonly, false, &inner);
        if (status != GNTST_okay) {
            gnttab_settle_status(table, ref, readonly);
            return status;
        }
        if (old_pin == 0) {
            active->domid = user;
            active->frame = inner.frame;
            active->start = inner.start;
            active->length = inner.length;
            active->src_domid = next->domid;
            active->trans_gref = trans_gref;
            /* Treated as sub-page whatever the final grant is: that keeps transitive grants unmappable. */
            active->is_sub_page = true;
        }
    } else if (needs_claim) {
        int status = gnttab_claim_entry(table, ref, readonly, false, user);
        if (status != GNTST_okay)
            return status;
        uint64_t frame = entry_frame(table, ref);
        bool is_sub_page = table->version == 2 && (flags & GTF_sub_page);
        uint16_t start = is_sub_page ? entry_sub_page_offset(table, ref) : 0;
        uint16_t length = is_sub_page ? entry_sub_page_length(table, ref) : XEN_PAGE_SIZE;
        if (frame_owner(host, frame) != granter->domid) {
            gnttab_settle_status(table, ref, readonly);
            return GNTST_bad_page;
        }
        if (old_pin == 0) {
            active->domid = user;
            active->frame = frame;
            active->start = start;
            active->length = length;
            active->src_domid = granter->domid;
            active->trans_gref = ref;
            active->is_sub_page = is_sub_page;
        } else if (active->frame != frame || active->src_domid != granter->domid || active->trans_gref != ref ||
                   (active->is_sub_page && (!is_sub_page || active->start != start || active->length != length))) {
            gnttab_settle_status(table, ref, readonly);
            return GNTST_general_error;
        }
    } else if (frame_owner(host, active->frame) != granter->domid) {
        return GNTST_bad_domain;
    }
    active->pin += increment;
    window->frame = active->frame;
    window->start = active->start;
    window->length = active->length;
    return GNTST_okay;
}

static void release_for_copy(struct xen_host *host, struct xen_domain *granter, uint32_t ref, bool readonly)
{
    struct grant_table *table = gnttab_table(granter);
    struct active_entry *active = &table->active[ref];
    struct xen_domain *next = NULL;
    uint32_t next_ref = ref;
    if (table->version == 2 && active->src_domid != granter->domid) {
        next = xen_domain_by_id(host, active->src_domid);
        next_ref = active->trans_gref;
    }
    active->pin -= readonly ? GNTPIN_hstr_inc : GNTPIN_hstw_inc;
    gnttab_settle_status(table, ref, readonly);
    if (next != NULL)
        release_for_copy(host, next, next_ref, readonly);
}

/* One side of a copy (ops-gnttab.schema.json#/$defs/copyBuffer). */
struct copy_side {
    const char *name;
    uint32_t domid;
    bool by_ref;
    uint32_t ref;
    uint64_t frame;
    uint32_t offset;
    struct xen_domain *domain;
    bool holds_grant;
    struct copy_window window;
};

static void read_side(struct xen_step *step, const char *name, struct copy_side *side)
{
    struct arg_object buffer = arg_object(step->run, step->args, name);
    side->name = name;
    const struct json_value *domid = json_member(buffer.object, "domid");
    if (json_is_string(domid, "self"))
        side->domid = DOMID_SELF;
    else
        side->domid = (uint32_t)arg_int(step->run, buffer, "domid", 0, DOMID_MAX);
    side->by_ref = arg_has(buffer, "ref");
    if (side->by_ref == arg_has(buffer, "frame"))
        case_fail(step->run, "%s must have exactly one of ref and frame", buffer.where);
    if (side->by_ref)
        side->ref = (uint32_t)arg_int(step->run, buffer, "ref", 0, UINT32_MAX);
    else
        side->frame = arg_hex64(step->run, buffer, "frame");
    side->offset = (uint32_t)arg_int(step->run, buffer, "offset", 0, 65535);
    side->domain = NULL;
    side->holds_grant = false;
}

/* Finds the side's domain: only DOMID_SELF may name a frame. */
static int lock_side(struct xen_host *host, struct xen_domain *caller, struct copy_side *side)
{
    if (!side->by_ref && side->domid != DOMID_SELF)
        return GNTST_permission_denied;
    side->domain = xen_domain_by_any_id(host, side->domid, caller);
    return side->domain != NULL ? GNTST_okay : GNTST_bad_domain;
}

static int claim_side(struct xen_host *host, struct xen_domain *caller, struct copy_side *side, bool readonly)
{
    if (side->by_ref) {
        int status = acquire_for_copy(host, side->domain, side->ref, caller->domid, readonly,
                                      gnttab_options(host)->transitive, &side->window);
        side->holds_grant = status == GNTST_okay;
        return status;
    }
    if (frame_owner(host, side->frame) != side->domain->domid)
        return GNTST_bad_page;
    side->window = (struct copy_window){ side->frame, 0, XEN_PAGE_SIZE };
    return GNTST_okay;
}

static void release_side(struct xen_host *host, struct copy_side *side, bool readonly)
{
    if (side->holds_grant)
        release_for_copy(host, side->domain, side->ref, readonly);
    side->holds_grant = false;
}

static bool within(const struct copy_side *side, uint32_t length)
{
    return side->offset >= side->window.start && side->offset + length <= (uint32_t)side->window.start + side->window.length;
}

static int copy_bytes(struct xen_host *host, struct copy_side *source, struct copy_side *dest, uint32_t length)
{
    if (source->offset + length > XEN_PAGE_SIZE || dest->offset + length > XEN_PAGE_SIZE)
        return GNTST_bad_copy_arg;
    if (!within(source, length) || !within(dest, length))
        return GNTST_general_error;
    unsigned char *to = frame_bytes_for_write(host, dest->window.frame) + dest->offset;
    const unsigned char *from = frame_bytes(host, source->window.frame);
    if (from == NULL)
        memset(to, 0, length);
    else
        memmove(to, from + source->offset, length);
    return GNTST_okay;
}

static int copy(struct xen_host *host, struct xen_domain *caller, struct copy_side *source, struct copy_side *dest,
                uint32_t length)
{
    if (length == 0)
        return GNTST_okay;
    int status = lock_side(host, caller, source);
    if (status == GNTST_okay)
        status = lock_side(host, caller, dest);
    if (status == GNTST_okay)
        status = claim_side(host, caller, source, true);
    if (status == GNTST_okay)
        status = claim_side(host, caller, dest, false);
    if (status == GNTST_okay)
        status = copy_bytes(host, source, dest, length);
    release_side(host, source, true);
    release_side(host, dest, false);
    return status;
}

void gnttab_copy_op(struct xen_step *step)
{
    int64_t caller_id = arg_int(step->run, step->args, "dom", 0, DOMID_MAX);
    struct copy_side source, dest;
    read_side(step, "source", &source);
    read_side(step, "dest", &dest);
    uint32_t length = (uint32_t)arg_int(step->run, step->args, "len", 0, 65535);
    struct xen_domain *caller = xen_calling_domain(step->host, caller_id);
    if (!gnttab_hypercall_exists(step))
        return;
    gnttab_report_status(step, copy(step->host, caller, &source, &dest, length));
}
