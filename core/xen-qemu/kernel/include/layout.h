/* Addresses and sizes shared by the assembly and the C of the test kernel. */
#ifndef HVABI_LAYOUT_H
#define HVABI_LAYOUT_H

#define PAGE_SIZE_ASM 4096
#ifndef PAGE_SIZE
#define PAGE_SIZE PAGE_SIZE_ASM
#endif

#if defined(__x86_64__)
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
