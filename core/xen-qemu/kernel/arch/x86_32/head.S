/*
 * The 32-bit PAE PV test kernel (a domU executor only; dom0 is always the 64-bit kernel).
 * It runs in ring 1. Exceptions arrive through the trap table with the hardware-style frame
 * (xen/arch/x86/x86_64/compat/entry.S, compat_create_bounce_frame):
 *   [esp] (error code), eip, cs | saved upcall mask << 16, eflags, (esp, ss from ring 3)
 * Everything else mirrors arch/x86_64/head.S: entry points save the registers and call
 * trap_entry(), stubs are entered with an iret and left with int $0x80.
 */
#include "layout.h"
#include "wire.h"

#define AX %eax
#define WORD .long
#define HVM_ASM 0
#define KERNEL_64_ASM 0

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
        NOTE(3, .long KERNEL_VIRT_BASE)              /* XEN_ELFNOTE_VIRT_BASE */
        NOTE(4, .long KERNEL_VIRT_BASE)              /* XEN_ELFNOTE_PADDR_OFFSET */
        NOTE(1, .long _start)                        /* XEN_ELFNOTE_ENTRY */
        NOTE(2, .long hypercall_page)                /* XEN_ELFNOTE_HYPERCALL_PAGE */
        .balign 4
        /* Our own note: the pages the domain builder maps user-accessible. */
        .section .note.hvabi, "a", @note
        .balign 4
        .long 6, 9f - 8f, 1
        .asciz "hvabi"
        .balign 4
8:      .long user_start, user_end
9:
        .balign 4

        .section .text.entry, "ax", @progbits
        .globl _start
_start:
        /* %esi: start_info on vCPU 0; 0 on a secondary vCPU, whose id the builder put in %edi.
         * Flat data segments usable from rings 1 and 3, the vCPU's own stack, then C. */
        mov     $FLAT32_USER_DS_ASM, %eax
        mov     %eax, %ds
        mov     %eax, %es
        test    %esi, %esi
        jz      1f
        lea     boot_stack_top, %esp
        push    %esi
        call    kernel_main
        ud2
1:      test    %edi, %edi
        jz      2f
        cmp     $WIRE_SIZE_MAX_VCPUS_PER_DOMAIN, %edi
        jae     2f
        /* vCPU n's stack ends n stacks into secondary_stacks (vCPU 0 uses boot_stack). */
        imul    $BOOT_STACK_SIZE, %edi, %eax
        lea     secondary_stacks(%eax), %esp
        push    %edi
        call    secondary_main
2:      ud2

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

/* struct trap_frame in traps.h (32-bit). */
trap_common:
        pushf
        push    %ebp
        push    %edi
        push    %esi
        push    %edx
        push    %ecx
        push    %ebx
        push    %eax
        mov     %esp, %eax
        push    %eax
        call    trap_entry
        ud2

/* arch_iret(const struct iret_target *): ip, sp, flags, cs, rax, rcx, r11 (-> edx). */
        .globl arch_iret
arch_iret:
        mov     4(%esp), %eax
        mov     0(%eax), %ebx           /* eip */
        mov     4(%eax), %ebp           /* esp */
        mov     8(%eax), %edi           /* eflags */
        mov     12(%eax), %esi          /* cs */
        mov     20(%eax), %ecx
        mov     24(%eax), %edx
        mov     16(%eax), %eax
        cmp     $FLAT32_USER_CS_ASM, %esi
        jne     1f
        /* to ring 3: the full frame, with the user stack */
        push    $FLAT32_USER_DS_ASM
        push    %ebp
        push    %edi
        push    %esi
        push    %ebx
        iret
1:      /* to ring 1: same privilege, the frame on the target stack */
        mov     %ebp, %esp
        push    %edi
        push    %esi
        push    %ebx
        iret

        .globl arch_setjmp
arch_setjmp:
        mov     4(%esp), %eax
        mov     %ebx, 0(%eax)
        mov     %esi, 4(%eax)
        mov     %edi, 8(%eax)
        mov     %ebp, 12(%eax)
        lea     4(%esp), %ecx
        mov     %ecx, 16(%eax)
        mov     (%esp), %ecx
        mov     %ecx, 20(%eax)
        xor     %eax, %eax
        ret

        .globl arch_longjmp
arch_longjmp:
        mov     4(%esp), %ecx
        mov     8(%esp), %eax
        mov     0(%ecx), %ebx
        mov     4(%ecx), %esi
        mov     8(%ecx), %edi
        mov     12(%ecx), %ebp
        mov     16(%ecx), %esp
        jmp     *20(%ecx)

/* Stubs: a supervisor copy for ring 1, a user-accessible copy for ring 3 (SMEP may apply). */
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
secondary_stacks:
        .fill BOOT_STACK_SIZE * (WIRE_SIZE_MAX_VCPUS_PER_DOMAIN - 1), 1, 0

        .section .note.GNU-stack, "", @progbits
