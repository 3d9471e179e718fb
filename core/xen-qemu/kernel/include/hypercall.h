/*
 * Hypercalls through the hypercall page Xen fills in (XEN_ELFNOTE_HYPERCALL_PAGE): hypercall
 * n is a call to hypercall_page + 32 * n. 64-bit: arguments in rdi, rsi, rdx, r10, r8;
 * 32-bit: ebx, ecx, edx, esi, edi; the result in rax/eax. A debug Xen deliberately corrupts
 * the argument registers a hypercall does not use, so every argument register is clobbered.
 */
#ifndef HVABI_HYPERCALL_H
#define HVABI_HYPERCALL_H

#include "types.h"

extern char hypercall_page[];

static inline long hypercall5(unsigned int nr, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
{
    long result;
#if KERNEL_64
    register ulong r10 __asm__("r10") = a4;
    register ulong r8 __asm__("r8") = a5;
    __asm__ volatile("call *%[entry]"
                     : "=a"(result), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [entry] "r"(hypercall_page + 32 * nr)
                     : "memory", "rcx", "r11", "r9");
#else
    __asm__ volatile("call *%[entry]"
                     : "=a"(result), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                     : [entry] "m"(*(ulong[]){(ulong)(hypercall_page + 32 * nr)})
                     : "memory");
#endif
    return result;
}

#define hypercall0(nr) hypercall5((nr), 0, 0, 0, 0, 0)
#define hypercall1(nr, a) hypercall5((nr), (ulong)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b) hypercall5((nr), (ulong)(a), (ulong)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c) hypercall5((nr), (ulong)(a), (ulong)(b), (ulong)(c), 0, 0)
#define hypercall4(nr, a, b, c, d) hypercall5((nr), (ulong)(a), (ulong)(b), (ulong)(c), (ulong)(d), 0)

#endif
