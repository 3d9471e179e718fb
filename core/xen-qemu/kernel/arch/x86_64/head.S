/*
 * The 64-bit PV test kernel: Xen ELF notes, entry, hypercall page, exception entry points,
 * the context switch into a stub (kernel or user mode), and the stubs themselves.
 *
 * Exceptions reach a 64-bit PV kernel through its trap table with %rcx and %r11 pushed above
 * the hardware-style frame (xen/arch/x86/x86_64/entry.S, create_bounce_frame):
 *   [rsp] rcx, r11, (error code), rip, cs, rflags, rsp, ss
 * Each entry point restores rcx/r11, pushes a zero error code where the CPU pushes none and
 * the vector; trap_common saves every register and calls trap_entry() in C, which never
 * returns here: it resumes the executor at its recovery point (arch_longjmp). A stub ends
 * with int $0x80, which arrives the same way: every instruction the executor runs on the
 * guest's behalf, in kernel or user mode, is entered with an iret and left with an
 * exception, so that its outcome (done, or which fault) is always observed the same way.
 */
#include "layout.h"
#include "wire.h"

#define AX %rax
#define WORD .quad
#define HVM_ASM 0
#define KERNEL_64_ASM 1

#define NOTE(type, body)                 \
        .balign 4;                       \
        .long 4, 9f - 8f, type;          \
        .asciz "Xen";                    \
8:      body;                            \
9:

        .section .note.Xen, "a", @note
        NOTE(6, .asciz "hvabi-test-kernel")          /* XEN_ELFNOTE_GUEST_OS */
        NOTE(7, .asciz "1")                          /* XEN_ELFNOTE_GUEST_VERSION */
        NOTE(5, .asciz "xen-3.0")                    /* XEN_ELFNOTE_XEN_VERSION */
        NOTE(8, .asciz "generic")                    /* XEN_ELFNOTE_LOADER */
        NOTE(9, .asciz "yes")                        /* XEN_ELFNOTE_PAE_MODE */
        NOTE(3, .quad KERNEL_VIRT_BASE)              /* XEN_ELFNOTE_VIRT_BASE */
        NOTE(4, .quad KERNEL_VIRT_BASE)              /* XEN_ELFNOTE_PADDR_OFFSET */
        NOTE(1, .quad _start)                        /* XEN_ELFNOTE_ENTRY */
        NOTE(2, .quad hypercall_page)                /* XEN_ELFNOTE_HYPERCALL_PAGE */
        .balign 4
        /* Our own note: the pages a domain builder maps user-accessible (all of them for 64-bit PV). */
        .section .note.hvabi, "a", @note
        .balign 4
        .long 6, 9f - 8f, 1
        .asciz "hvabi"
        .balign 4
8:      .quad user_start, user_end
9:
        .balign 4

        .section .text.entry, "ax", @progbits
        .globl _start
_start:
        /* %rsi: start_info on vCPU 0; 0 on a secondary vCPU, whose id the builder put in %rdi.
         * Each vCPU switches to its own stack, then C. */
        test    %rsi, %rsi
        jz      1f
        lea     boot_stack_top(%rip), %rsp
        mov     %rsi, %rdi
        call    kernel_main
        ud2
1:      test    %rdi, %rdi
        jz      2f
        cmp     $WIRE_SIZE_MAX_VCPUS_PER_DOMAIN, %rdi
        jae     2f
        /* vCPU n's stack ends n stacks into secondary_stacks (vCPU 0 uses boot_stack). */
        imul    $BOOT_STACK_SIZE, %rdi, %rax
        lea     secondary_stacks(%rip), %rsp
        add     %rax, %rsp
        call    secondary_main
2:      ud2

        .balign PAGE_SIZE_ASM
        .globl hypercall_page
hypercall_page:
        .fill PAGE_SIZE_ASM, 1, 0xcc

        .text
/* ---- exceptions ---- */
.macro TRAP_NOERR vec
        .globl trap_\vec
trap_\vec:
        pop     %rcx
        pop     %r11
        push    $0
        push    $\vec
        jmp     trap_common
.endm
.macro TRAP_ERR vec
        .globl trap_\vec
trap_\vec:
        pop     %rcx
        pop     %r11
        push    $\vec
        jmp     trap_common
.endm

        TRAP_NOERR 0
        TRAP_NOERR 1
        TRAP_NOERR 3
        TRAP_NOERR 4
        TRAP_NOERR 5
        TRAP_NOERR 6
        TRAP_NOERR 7
        TRAP_ERR   10
        TRAP_ERR   11
        TRAP_ERR   12
        TRAP_ERR   13
        TRAP_ERR   14
        TRAP_NOERR 16
        TRAP_ERR   17
        TRAP_NOERR 18
        TRAP_NOERR 19
        TRAP_ERR   21
        TRAP_NOERR 128

/* Saves the registers below the vector: struct trap_frame in traps.h. */
trap_common:
        pushfq
        push    %r15
        push    %r14
        push    %r13
        push    %r12
        push    %r11
        push    %r10
        push    %r9
        push    %r8
        push    %rbp
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rbx
        push    %rax
        mov     %rsp, %rdi
        and     $-16, %rsp
        call    trap_entry
        ud2

/*
 * arch_iret(const struct iret_target *target): enter target->rip in kernel or user mode with
 * target->rflags, target->rsp, and rax/rcx/r11 as given, through the iret hypercall. Its
 * hypercall-page entry pushes %rcx, %r11 and %rax itself (xen/arch/x86/pv/hypercall.c) above
 * the frame pushed here: flags, rip, cs, rflags, rsp, ss. CS RPL 3 means user mode.
 */
        .globl arch_iret
arch_iret:
        pushq   $FLAT64_USER_SS_ASM
        pushq   8(%rdi)                 /* rsp */
        pushq   16(%rdi)                /* rflags */
        pushq   24(%rdi)                /* cs */
        pushq   0(%rdi)                 /* rip */
        pushq   $0                      /* flags: not in a syscall */
        mov     40(%rdi), %rcx
        mov     48(%rdi), %r11
        mov     32(%rdi), %rax
        jmp     hypercall_page + 23 * 32

/* ---- recovery points: a minimal setjmp/longjmp ---- */
        .globl arch_setjmp
arch_setjmp:
        mov     %rbx, 0(%rdi)
        mov     %rbp, 8(%rdi)
        mov     %r12, 16(%rdi)
        mov     %r13, 24(%rdi)
        mov     %r14, 32(%rdi)
        mov     %r15, 40(%rdi)
        lea     8(%rsp), %rax
        mov     %rax, 48(%rdi)
        mov     (%rsp), %rax
        mov     %rax, 56(%rdi)
        xor     %eax, %eax
        ret

        .globl arch_longjmp
arch_longjmp:
        mov     0(%rdi), %rbx
        mov     8(%rdi), %rbp
        mov     16(%rdi), %r12
        mov     24(%rdi), %r13
        mov     32(%rdi), %r14
        mov     40(%rdi), %r15
        mov     48(%rdi), %rsp
        mov     %esi, %eax
        jmp     *56(%rdi)

/*
 * ---- stubs: one guest instruction each, entered by arch_iret, left by int $0x80 ----
 * Arguments arrive in rax, rcx and r11 (the only registers the iret frame carries); results
 * leave in registers, which trap_common saves. The order is enum stub in exec.c. A 64-bit PV
 * guest's pages are all user-accessible (Xen runs its kernel in ring 3), so one copy serves
 * kernel and user mode.
 */
        .text
#include "../stubs.inc"
        STUBS kernel
        .section .rodata
        .globl kernel_stubs, user_stubs
kernel_stubs:
user_stubs:
        STUB_TABLE kernel
        .section .bss
        .balign PAGE_SIZE_ASM
boot_stack:
        .fill BOOT_STACK_SIZE, 1, 0
boot_stack_top:
secondary_stacks:
        .fill BOOT_STACK_SIZE * (WIRE_SIZE_MAX_VCPUS_PER_DOMAIN - 1), 1, 0

        .section .note.GNU-stack, "", @progbits
