/*
 * Exceptions as the guest receives them. The trap table routes every exception (and the
 * stubs' int $0x80) to trap_entry(), which records what arrived and resumes the executor at
 * its recovery point; an exception with no recovery point armed is fatal for the kernel.
 */
#ifndef HVABI_TRAPS_H
#define HVABI_TRAPS_H

#include "arch.h"
#include "xen.h"

#define VECTOR_DB 1
#define VECTOR_PF 14
#define VECTOR_STUB_DONE 0x80

#if KERNEL_64
struct trap_frame {
    u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
    u64 handler_flags;
    u64 vector, error_code;
    u64 ip, cs, flags, sp, ss;
};
#else
struct trap_frame {
    u32 rax, rbx, rcx, rdx, rsi, rdi, rbp;
    u32 handler_flags;
    u32 vector, error_code;
    u32 ip, cs, flags, sp, ss; /* sp and ss only when the exception came from ring 3 */
};
#endif

/* What the last exception delivered: the frame, and CR2 from vcpu_info for a #PF. */
struct trap_record {
    struct trap_frame frame;
    ulong cr2;
};
extern struct trap_record last_trap;

/* Where the next exception resumes; NULL makes any exception fatal. */
extern struct jump_buffer *recovery_point;

/* Where to enter a stub (head.S, arch_iret). */
struct iret_target {
    ulong ip, sp, flags, cs, rax, rcx, r11;
};
NORETURN void arch_iret(const struct iret_target *target);

/* This vCPU's trap table and ring-transition stack (PV: each vCPU calls it for itself). */
void traps_init(unsigned int vcpu, volatile struct vcpu_info *info);
NORETURN void trap_entry(struct trap_frame *frame);

#endif
