/*
 * How an area plugs into the Xen machine: command-line parameters it owns,
 * what it adds to domain creation and to XEN_SYSCTL_physinfo, its operations
 * and the state keys it can read.
 */
#ifndef HVABI_XEN_AREA_H
#define HVABI_XEN_AREA_H

#include <stdbool.h>
#include <stddef.h>

#include "../protocol/args.h"
#include "../protocol/observation.h"
#include "host.h"

struct xen_step {
    struct xen_host *host;
    struct case_run *run;
    struct arg_object args;
    struct step_outcome *outcome;
};

struct xen_param {
    const char *name;
    /* Whether the build has this parameter at all (NULL: always). */
    bool (*exists)(const struct xen_host *host);
    /* The custom handler: 0 or a negative errno. `value` is NUL-terminated. */
    int (*parse)(struct xen_host *host, void *state, const char *value);
};

struct xen_op {
    const char *name;
    void (*run)(struct xen_step *step);
};

/* A domain as the toolstack asks Xen to create it (config-domain.schema.json). */
struct domain_request {
    struct arg_object config;
    uint32_t domid;
    enum domain_type type;
    bool privileged;
};

struct xen_area {
    const char *name;
    size_t host_state_size;
    size_t domain_state_size;
    /* Sets the defaults the command line may then change. */
    void (*boot)(struct xen_host *host, void *state);
    const struct xen_param *params;
    size_t param_count;
    /* Checks made before the architecture's (sanitise_domain_config): 0 or a negative errno. */
    int (*domain_sanitise)(struct xen_host *host, void *state, const struct domain_request *request);
    /* Sets up the domain's state once the generic checks passed: 0 or a negative errno. */
    int (*domain_init)(struct xen_host *host, void *state, struct xen_domain *domain, void *domain_state,
                       const struct domain_request *request);
    /* Adds the area's capability flags to XEN_SYSCTL_physinfo's returns. */
    void (*physinfo)(struct xen_host *host, void *state, struct step_outcome *outcome);
    const struct xen_op *ops;
    size_t op_count;
    /* True when `key` belongs to this area; then *value is its value (absent when it names nothing). */
    bool (*read_state)(struct xen_host *host, void *state, const char *key, size_t length, struct value *value);
};

static inline void *xen_area_state(const struct xen_host *host, enum xen_area_slot slot)
{
    return host->area_state[slot];
}

static inline void *xen_domain_area_state(const struct xen_domain *domain, enum xen_area_slot slot)
{
    return domain->area_state[slot];
}

#endif
