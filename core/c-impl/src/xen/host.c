#include "host.h"

#include "model.h"

struct xen_domain *xen_domain_by_id(const struct xen_host *host, uint32_t domid)
{
    for (size_t i = 0; i < host->domain_count; i++)
        if (host->domains[i]->domid == domid)
            return host->domains[i];
    return NULL;
}

struct xen_domain *xen_domain_by_any_id(const struct xen_host *host, uint32_t domid, struct xen_domain *current)
{
    return domid == DOMID_SELF ? current : xen_domain_by_id(host, domid);
}

struct xen_domain *xen_calling_domain(struct xen_host *host, int64_t domid)
{
    struct xen_domain *domain = domid >= 0 && domid <= DOMID_MAX ? xen_domain_by_id(host, (uint32_t)domid) : NULL;
    if (domain == NULL)
        case_fail(host->run,
                  "the calling domain d%lld does not exist: create it in config.domains or with create_domain first",
                  (long long)domid);
    return domain;
}

bool xsm_target_allowed(const struct xen_domain *source, const struct xen_domain *target)
{
    return source == target || source->privileged;
}

struct log_entry *xen_console(struct xen_host *host, const char *msg)
{
    if (host->console == NULL)
        return NULL;
    return outcome_log(host->run, host->console, msg);
}
