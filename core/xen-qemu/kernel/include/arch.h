/* Instructions the executor runs, each as the guest would, and the recovery mechanism. */
#ifndef HVABI_ARCH_H
#define HVABI_ARCH_H

#include "types.h"

#define EFLAGS_TF (1ul << 8)
#define EFLAGS_IF (1ul << 9)
#define EFLAGS_AC (1ul << 18)

/* Callee-saved registers, stack pointer and return address (arch/<arch>/head.S). */
struct jump_buffer {
    ulong regs[8];
};
int arch_setjmp(struct jump_buffer *buffer) __attribute__((returns_twice));
NORETURN void arch_longjmp(struct jump_buffer *buffer, int value);

/* Guest user mode: see head.S. Never returns; user code comes back through int $0x80. */
#if KERNEL_64
NORETURN void enter_user(ulong rip, ulong rsp, ulong rflags, ulong rax, ulong rcx, ulong r11);
#else
NORETURN void enter_user(ulong eip, ulong esp, ulong eflags, ulong eax, ulong ecx, ulong edx);
#endif

static inline ulong read_flags(void)
{
    ulong flags;
    __asm__ volatile("pushf; pop %0" : "=r"(flags)::"memory");
    return flags;
}

static inline void write_flags(ulong flags)
{
    __asm__ volatile("push %0; popf" ::"r"(flags) : "memory", "cc");
}

/* CPUID through Xen's forced-emulation prefix (ud2; "xen"; cpuid): the domain's policy. */
static inline void xen_cpuid(u32 leaf, u32 subleaf, u32 out[4])
{
    __asm__ volatile(".byte 0x0f,0x0b,0x78,0x65,0x6e; cpuid"
                     : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
                     : "a"(leaf), "c"(subleaf));
}

#endif
