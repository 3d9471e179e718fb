/*
 * The HVM executor: the test kernel's code that runs inside an HVM guest of a case. dom0
 * builds the guest already in long mode, on the case's own control registers (its vCPU
 * context: CR0, CR3, CR4, EFER), with this code mapped through L4 slot 511 of the case's
 * top-level table, and GDTR, IDTR and TR pointing at the tables below (hvm_builder.c).
 * Exceptions arrive through the IDT with the hardware frame: (error code), rip, cs, rflags,
 * rsp, ss. Entry points and trap_common mirror the PV kernel's (struct trap_frame).
 */
#include "layout.h"

#define AX %rax
#define WORD .quad
#define KERNEL_64_ASM 1
#define HVM_ASM 1

        .section .text.entry, "ax", @progbits
        .globl _start
_start:
        /* %rdi: the mailbox (dom0 put it in the vCPU context). */
        lea     boot_stack_top(%rip), %rsp
        call    hvm_main
        ud2

        .balign PAGE_SIZE_ASM
        .globl hypercall_page
hypercall_page:
        .fill PAGE_SIZE_ASM, 1, 0xcc

        .text
.macro TRAP_NOERR vec
        .globl trap_\vec
trap_\vec:
        push    $0
        push    $\vec
        jmp     trap_common
.endm
.macro TRAP_ERR vec
        .globl trap_\vec
trap_\vec:
        push    $\vec
        jmp     trap_common
.endm

        TRAP_NOERR 0
        TRAP_NOERR 1
        TRAP_NOERR 2
        TRAP_NOERR 3
        TRAP_NOERR 4
        TRAP_NOERR 5
        TRAP_NOERR 6
        TRAP_NOERR 7
        TRAP_ERR   8
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

/* arch_iret(const struct iret_target *): a native iretq (ring 0 or 3; 64-bit iretq always pops SS:RSP). */
        .globl arch_iret
arch_iret:
        mov     24(%rdi), %rax          /* cs */
        mov     $HVM_KERNEL_DS, %rcx
        test    $3, %rax
        jz      1f
        mov     $HVM_USER_DS, %rcx
1:      push    %rcx                    /* ss */
        pushq   8(%rdi)                 /* rsp */
        pushq   16(%rdi)                /* rflags */
        push    %rax                    /* cs */
        pushq   0(%rdi)                 /* rip */
        mov     40(%rdi), %rcx
        mov     48(%rdi), %r11
        mov     32(%rdi), %rax
        iretq

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

/* Stubs: supervisor pages for ring 0 (SMEP may apply), a user page for ring 3. */
#include "../stubs.inc"
        .text
        STUBS kernel
        .section .user.text, "ax", @progbits
        STUBS user
        .section .rodata
        .globl kernel_stubs
kernel_stubs:
        STUB_TABLE kernel
        .globl user_stubs
user_stubs:
        STUB_TABLE user

        .section .bss
        .balign PAGE_SIZE_ASM
boot_stack:
        .fill BOOT_STACK_SIZE, 1, 0
boot_stack_top:

        .section .note.GNU-stack, "", @progbits
