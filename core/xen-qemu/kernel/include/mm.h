/*
 * The kernel's view of its own memory: the start-of-day layout (pfn i mapped at
 * KERNEL_VIRT_BASE + i pages, as Xen's dom0 builder and our domU builder both lay it out), the
 * p2m list, temporary mappings through a window of scratch pages in the image, and the
 * machine address of the page-table entry that maps a given address.
 */
#ifndef HVABI_MM_H
#define HVABI_MM_H

#include "types.h"
#include "xen.h"

/* Scratch slots, by use (each a page of the scratch window). */
enum {
    SLOT_TEMP = 0,          /* 8 slots: frames read or written by one operation */
    SLOT_SHARED_INFO = 8,
    SLOT_GRANT_TABLE = 16,  /* 32 slots: the grant table's shared frames */
    SLOT_GRANT_STATUS = 48, /* 16 slots: v2 status frames */
    SLOT_GRANT_MAP = 64,    /* 256 slots: where GNTMAP_host_map puts grant mappings (pin counts reach 255) */
    SLOT_GRANT_MAP_COUNT = 256,
    SLOT_MAILBOX = 320,     /* dom0: one per domU of a case */
    SLOT_BUILD = 328,       /* dom0: the domain builder's window */
    SLOT_BUILD_COUNT = 184,
};

struct mm_info {
    const struct start_info *start;
    const ulong *p2m;       /* pfn -> mfn */
    ulong nr_pages;
    ulong top_mfn;          /* the kernel's top-level table (64-bit L4, PAE L3) */
};
extern struct mm_info mm;

void mm_init(const struct start_info *start);

void *slot_address(unsigned int slot);
ulong pfn_to_mfn(ulong pfn);
/* The pfn of an mfn of this domain, or ~0ul. */
ulong mfn_to_pfn(ulong mfn);
/* The mfn behind a kernel-image address (start-of-day region). */
ulong virt_to_mfn(const void *address);
/* The address at which a start-of-day pfn is mapped. */
void *pfn_to_virt(ulong pfn);

/* update_va_mapping of a scratch slot. flags: PTE bits; 0 unmaps. Returns the hypercall's rc. */
long map_slot(unsigned int slot, ulong mfn, u64 pte_flags);
long map_slot_foreign(unsigned int slot, ulong mfn, u64 pte_flags, u16 domid);
long unmap_slot(unsigned int slot);
long update_va_mapping(ulong va, u64 pte, ulong flags);

/* Machine address of the L1 entry mapping va in the kernel's own tables, or 0. */
u64 l1_entry_maddr(ulong va);

/* The entries that keep this kernel mapped under a case's page tables (see inject.c). */
long inject_kernel_mappings(ulong top_mfn);

#endif
