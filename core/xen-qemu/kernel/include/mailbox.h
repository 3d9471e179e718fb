/*
 * One page shared by dom0 and a domU of a case: dom0 (the orchestrator) posts one step at a
 * time to the vCPU that runs it (each vCPU of the domU runs an executor loop with its own
 * counters); that vCPU runs it and posts the result. Only one step is ever in flight, so the
 * step and its result have one place. Both sides poll and yield the CPU (SCHEDOP_yield)
 * while waiting; x86 keeps stores in order, so compiler barriers suffice.
 * The domU cannot use Xen's console: its diagnostics go to the log, which dom0 prints when
 * the domU fails.
 */
#ifndef HVABI_MAILBOX_H
#define HVABI_MAILBOX_H

#include "wire_types.h"

#define MAILBOX_MAGIC 0x584f424du /* "MBOX" */
enum { MAILBOX_BOOTING = 0, MAILBOX_READY = 1 };

/* One vCPU's executor: READY once it serves steps; dom0 bumps request, the vCPU answers with done. */
struct mailbox_vcpu {
    volatile u32 state;
    volatile u32 request;
    volatile u32 done;
    u32 reserved;
};

struct mailbox {
    u32 magic;
    u32 reserved0;
    struct mailbox_vcpu vcpu[WIRE_SIZE_MAX_VCPUS_PER_DOMAIN];
    struct wire_step step;
    struct step_result result;
    /* HVM: the first guest frame of the case's pool (the executor's window onto it). */
    u64 pool_first_frame;
    volatile u32 log_length;
    u32 reserved;
    char log[2048];
};

_Static_assert(sizeof(struct mailbox) <= 4096, "the mailbox is one page");

#endif
