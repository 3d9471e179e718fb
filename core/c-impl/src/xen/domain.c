#include "domain.h"

#include <string.h>

#include "area.h"
#include "errno.h"
#include "model.h"

static const char *const domain_types[] = { "pv64", "pv32", "hvm", NULL };

static bool type_available(const struct xen_host *host, enum domain_type type)
{
    return type == DOMAIN_HVM ? host->build.hvm : host->build.pv;
}

static void add_domain(struct xen_host *host, struct xen_domain *domain)
{
    if (host->domain_count == host->domain_capacity) {
        size_t capacity = host->domain_capacity ? host->domain_capacity * 2 : 8;
        struct xen_domain **domains = case_alloc(host->run, capacity * sizeof *domains);
        if (host->domain_count > 0)
            memcpy(domains, host->domains, host->domain_count * sizeof *domains);
        host->domains = domains;
        host->domain_capacity = capacity;
    }
    host->domains[host->domain_count++] = domain;
}

/*
 * The next free id after the one DOMID_ANY last gave, wrapping to 1 (0 is
 * left to the first boot domain); DOMID_FIRST_RESERVED when none is free.
 */
static uint32_t allocate_any_domid(struct xen_host *host)
{
    for (uint32_t domid = host->last_any_domid + 1; domid < DOMID_FIRST_RESERVED; domid++)
        if (xen_domain_by_id(host, domid) == NULL)
            return domid;
    for (uint32_t domid = 1; domid <= host->last_any_domid; domid++)
        if (xen_domain_by_id(host, domid) == NULL)
            return domid;
    return DOMID_FIRST_RESERVED;
}

int xen_create_domain(struct xen_host *host, struct arg_object config, uint32_t *domid)
{
    struct domain_request request = {
        .config = config,
        .domid = (uint32_t)arg_int(host->run, config, "domid", 0, DOMID_MAX),
        .type = (enum domain_type)arg_enum(host->run, config, "type", domain_types),
        .privileged = arg_bool(host->run, config, "privileged"),
    };
    /* Read for validation: no area of this core models I/O resources or vCPU counts yet. */
    (void)arg_bool(host->run, config, "ioResources");
    (void)arg_int(host->run, config, "vcpus", 1, 64);

    /* domid_alloc(): a reserved or used id is refused before anything else; DOMID_ANY takes a free one. */
    if (request.domid == DOMID_ANY) {
        request.domid = allocate_any_domid(host);
        /* Remembered even if creation then fails, as domid_alloc() does. */
        if (request.domid < DOMID_FIRST_RESERVED)
            host->last_any_domid = request.domid;
    } else if (request.domid >= DOMID_FIRST_RESERVED || xen_domain_by_id(host, request.domid) != NULL)
        return -XEN_EEXIST;
    if (request.domid >= DOMID_FIRST_RESERVED)
        return -XEN_EEXIST;

    for (int slot = 0; slot < XEN_AREA_COUNT; slot++) {
        const struct xen_area *area = xen_areas[slot];
        if (area->domain_sanitise == NULL)
            continue;
        int rc = area->domain_sanitise(host, host->area_state[slot], &request);
        if (rc != 0)
            return rc;
    }
    if (!type_available(host, request.type))
        return -XEN_EINVAL;

    struct xen_domain *domain = case_zalloc(host->run, sizeof *domain);
    domain->domid = (uint16_t)request.domid;
    domain->type = request.type;
    domain->privileged = request.privileged;
    for (int slot = 0; slot < XEN_AREA_COUNT; slot++) {
        const struct xen_area *area = xen_areas[slot];
        if (area->domain_state_size > 0)
            domain->area_state[slot] = case_zalloc(host->run, area->domain_state_size);
        if (area->domain_init == NULL)
            continue;
        int rc = area->domain_init(host, host->area_state[slot], domain, domain->area_state[slot], &request);
        if (rc != 0)
            return rc;
    }
    /* A 32-bit PV guest is switched to compat mode after creation; without PV32 that fails and libxl destroys it. */
    if (request.type == DOMAIN_PV32 && !host->build.pv32)
        return -XEN_EOPNOTSUPP;

    add_domain(host, domain);
    *domid = request.domid;
    return 0;
}
