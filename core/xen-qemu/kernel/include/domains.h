/* dom0 as a small toolstack: building, running and destroying the domUs of a case. */
#ifndef HVABI_DOMAINS_H
#define HVABI_DOMAINS_H

#include "mailbox.h"
#include "wire_types.h"
#include "xen.h"

struct kernel_image {
    const u8 *elf;
    u32 length;
};

/* A domU of the running case. */
struct domu {
    u16 domid;
    u8 type;
    u8 vcpus; /* each runs an executor, with its own counters in the mailbox */
    bool built;
    volatile struct mailbox *mailbox;
    ulong pool[WIRE_SIZE_POOL_FRAMES];
};

/* Builds, starts and waits for a domU; on failure returns a negative code and says why in *why. */
long domu_build(const struct wire_domain *spec, const struct kernel_image *image, unsigned int mailbox_slot,
                struct domu *domu, const char **why);
/* The same for an HVM guest of the case, started in the case's vCPU context. */
long hvm_build(const struct wire_domain *spec, const struct kernel_image *image, unsigned int mailbox_slot,
               struct domu *domu, const char **why);
/* Destroys it and waits until its domid is free again. A domain that maps another's grants
 * keeps that one alive until it dies too: kill every domain of a case, then wait for each. */
long domu_destroy(struct domu *domu);
long domu_kill(struct domu *domu);
long domu_wait_gone(struct domu *domu);
/* Runs one step in it, on the vCPU the step names; returns 0, or a negative code when the domU
 * stopped answering (a vCPU it does not have answers WIRE_RESULT_UNSUPPORTED in *result). */
long domu_run_step(struct domu *domu, const struct wire_step *step, struct step_result *result);
/* True when Xen reports the domain as shut down (crashed or otherwise); *reason set. */
bool domu_stopped(u16 domid, unsigned int *reason);

long domctl(struct xen_domctl *op);
long sysctl(struct xen_sysctl *op);

#endif
