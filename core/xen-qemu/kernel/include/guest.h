/*
 * What a guest does without a hypercall, the same in every build (64-bit PV, 32-bit PV, HVM):
 * single instructions in kernel or user mode (memory accesses, control-register and MSR moves,
 * STAC/CLAC/POPF, WRPKRU, CPUID), each entered with an iret and left with an exception so that
 * its outcome is always observed the same way; and reads and writes of the domain's frames.
 * Each build supplies the hooks at the end.
 */
#ifndef HVABI_GUEST_H
#define HVABI_GUEST_H

#include "wire_types.h"

void guest_init(void);
/*
 * The vCPU that runs the steps from now on. Steps run one at a time, each on the vCPU it names
 * (its executor loop says which before running it), so the per-vCPU state below (the case's
 * EFLAGS.AC and mode) and the trap handler's vcpu_info are chosen by this, not by locking.
 */
void guest_set_vcpu(unsigned int vcpu);
unsigned int guest_vcpu(void);
/* Runs the step when it is one of these operations; false otherwise (result untouched). */
bool guest_step(const struct wire_step *step, struct step_result *result);

/* ---- per build ---- */
/* A guest switching its tables with MOV to CR3 (value): keep the kernel mapped; 0, or a wire.json result. */
long arch_cr3_write_prepare(u64 value);
/* The CR3 write did not happen: undo what prepare did. */
void arch_cr3_write_failed(void);
/* The frame mapped for the running step (writable or not); NULL with *rc set when it cannot be. */
void *frame_map(ulong frame, bool writable, long *rc);
void frame_unmap(void);
/* Whether entry index of table frame holds the kernel's own mapping, put there to keep it mapped. */
bool injected_entry(ulong frame, unsigned int index);

#endif
