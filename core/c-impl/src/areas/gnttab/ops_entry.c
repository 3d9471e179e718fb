/* grant_write: the granting domain fills an entry of its own shared grant table. */
#include "../../xen/errno.h"
#include "../../xen/model.h"
#include "gnttab.h"

static const char *const entry_types[] = { "invalid", "permit_access", "accept_transfer", "transitive", NULL };

void gnttab_grant_write_op(struct xen_step *step)
{
    struct case_run *run = step->run;
    struct arg_object args = step->args;
    int64_t domain_id = arg_int(run, args, "dom", 0, DOMID_MAX);
    uint32_t ref = (uint32_t)arg_int(run, args, "ref", 0, UINT32_MAX);
    struct grant_entry_fields fields = { 0 };
    fields.type = (unsigned)arg_enum(run, args, "type", entry_types);
    fields.readonly = arg_bool(run, args, "readonly");
    int64_t number;
    if (arg_int_optional(run, args, "grantee", 0, DOMID_MAX, &number))
        fields.grantee = (uint16_t)number;
    arg_hex64_optional(run, args, "frame", &fields.frame);
    if (arg_has(args, "subPage")) {
        struct arg_object sub_page = arg_object(run, args, "subPage");
        fields.sub_page = true;
        fields.sub_page_offset = (uint16_t)arg_int(run, sub_page, "offset", 0, XEN_PAGE_SIZE - 1);
        fields.sub_page_length = (uint16_t)arg_int(run, sub_page, "length", 0, XEN_PAGE_SIZE);
    }
    if (arg_int_optional(run, args, "transDomid", 0, DOMID_MAX, &number))
        fields.trans_domid = (uint16_t)number;
    if (arg_int_optional(run, args, "transRef", 0, UINT32_MAX, &number))
        fields.trans_gref = (uint32_t)number;

    struct xen_domain *domain = xen_calling_domain(step->host, domain_id);
    /* Without grant tables there is no entry to write: every ref lies beyond the (empty) table. */
    struct grant_table *table = gnttab_table(domain);
    if (table == NULL || ref >= gnttab_nr_entries(table)) {
        step->outcome->result = xen_result_name(-XEN_EINVAL);
        return;
    }
    entry_write(table, ref, &fields);
    step->outcome->result = "ok";
}
