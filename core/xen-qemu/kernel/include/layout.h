/* Addresses and sizes shared by the assembly and the C of the test kernel. */
#ifndef HVABI_LAYOUT_H
#define HVABI_LAYOUT_H

#define PAGE_SIZE_ASM 4096
#ifndef PAGE_SIZE
#define PAGE_SIZE PAGE_SIZE_ASM
#endif

#if defined(HVM_EXECUTOR)
/*
 * The HVM executor lives in L4 slot 511 too, in 2 MiB pages: supervisor code and data at the
 * base, the user-mode stubs one 2 MiB page up, and a window onto the case's pool after that.
 * Its guest-physical home is HVM_PHYS_BASE (16 MiB), far from the model's frames.
 */
#define KERNEL_VIRT_BASE 0xffffffffc0000000
#define KERNEL_TOP_SLOT 511
#define HVM_USER_OFFSET 0x200000
#define HVM_POOL_OFFSET 0x400000
#define HVM_PHYS_BASE 0x1000000
#define HVM_KERNEL_CS 0x08
#define HVM_KERNEL_DS 0x10
#define HVM_USER_CS 0x1b
#define HVM_USER_DS 0x23
#define HVM_TSS 0x28
#elif defined(__x86_64__)
/* The kernel lives in the top L4 slot (511), far from the low addresses cases use. */
#define KERNEL_VIRT_BASE 0xffffffff80000000
#define KERNEL_TOP_SLOT 511
#define FLAT64_USER_CS_ASM 0xe033
#define FLAT64_USER_SS_ASM 0xe02b
#else
/* PAE: the kernel lives at the start of L3 slot 3 (the L2 Xen also uses, for its part above
 * 0xF5800000), so that a case's page tables need only its L2 entries to keep it mapped. */
#define KERNEL_VIRT_BASE 0xC0000000
#define KERNEL_TOP_SLOT 3
#define FLAT32_USER_CS_ASM 0xe02b
#define FLAT32_USER_DS_ASM 0xe033
#endif

#define BOOT_STACK_SIZE (4 * 4096)
/* Pages of the kernel image set aside for temporary mappings (see mm.h). */
#define SCRATCH_PAGES 512

#endif
