/*
 * The modelled Xen host: how it was built and booted, its domains and the
 * frames they own. Areas (grant tables, …) keep their own state beside it,
 * one slot per area (xen/areas.h).
 */
#ifndef HVABI_XEN_HOST_H
#define HVABI_XEN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../protocol/case_run.h"
#include "../protocol/observation.h"
#include "areas.h"
#include "frames.h"

enum xen_arch { XEN_ARCH_X86_64, XEN_ARCH_ARM64 };

enum domain_type { DOMAIN_PV64, DOMAIN_PV32, DOMAIN_HVM };

/* The build, with x86-only options already folded away on Arm. */
struct xen_build {
    enum xen_arch arch;
    bool debug;
    /* CONFIG_PV: PV guests exist (never on Arm). */
    bool pv;
    /* CONFIG_PV32 (x86 only). */
    bool pv32;
    /* HVM-style guests exist: CONFIG_HVM on x86; always on Arm, whose guests are all of that kind. */
    bool hvm;
    bool grant_table;
};

struct xen_domain {
    uint16_t domid;
    enum domain_type type;
    /* A control domain: passes XSM's checks on other domains. */
    bool privileged;
    void *area_state[XEN_AREA_COUNT];
};

struct xen_host {
    struct case_run *run;
    int profile;
    struct xen_build build;
    bool booted;
    struct xen_domain **domains;
    size_t domain_count;
    size_t domain_capacity;
    struct frame_table frames;
    /* The id DOMID_ANY last allocated (domid_alloc()'s domid_last). */
    uint32_t last_any_domid;
    void *area_state[XEN_AREA_COUNT];
    /* Where the console messages of the running step go (NULL: discarded). */
    struct step_outcome *console;
};

/* The domain with this id, or NULL (DOMID_SELF names none: rcu_lock_domain_by_id). */
struct xen_domain *xen_domain_by_id(const struct xen_host *host, uint32_t domid);

/* As above, but DOMID_SELF names `current` (rcu_lock_domain_by_any_id). */
struct xen_domain *xen_domain_by_any_id(const struct xen_host *host, uint32_t domid, struct xen_domain *current);

/* The domain making a hypercall; a case naming a caller that does not exist is malformed. */
struct xen_domain *xen_calling_domain(struct xen_host *host, int64_t domid);

/* XSM's default (dummy) policy for XSM_TARGET: itself, or a control domain. */
bool xsm_target_allowed(const struct xen_domain *source, const struct xen_domain *target);

/* A normative console message for the running step (spec/data/messages.json ids). */
struct log_entry *xen_console(struct xen_host *host, const char *msg);

#endif
