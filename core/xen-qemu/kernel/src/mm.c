#include "mm.h"
#include "console.h"
#include "hypercall.h"
#include "layout.h"

struct mm_info mm;

static u8 scratch_window[SCRATCH_PAGES][PAGE_SIZE] ALIGNED(PAGE_SIZE) __attribute__((section(".bss.scratch")));

void mm_init(const struct start_info *start)
{
    mm.start = start;
    mm.p2m = (const ulong *)start->mfn_list;
    mm.nr_pages = start->nr_pages;
    mm.top_mfn = virt_to_mfn((const void *)start->pt_base);
}

void *slot_address(unsigned int slot)
{
    if (slot >= SCRATCH_PAGES)
        fatal("scratch slot", slot);
    return scratch_window[slot];
}

ulong pfn_to_mfn(ulong pfn)
{
    if (pfn >= mm.nr_pages)
        fatal("pfn out of range", (s64)pfn);
    return mm.p2m[pfn];
}

ulong mfn_to_pfn(ulong mfn)
{
    for (ulong pfn = 0; pfn < mm.nr_pages; pfn++)
        if (mm.p2m[pfn] == mfn)
            return pfn;
    return ~0ul;
}

ulong virt_to_mfn(const void *address)
{
    return pfn_to_mfn(((ulong)address - KERNEL_VIRT_BASE) >> PAGE_SHIFT);
}

void *pfn_to_virt(ulong pfn)
{
    return (void *)(KERNEL_VIRT_BASE + (pfn << PAGE_SHIFT));
}

long update_va_mapping(ulong va, u64 pte, ulong flags)
{
#if KERNEL_64
    return hypercall3(HC_update_va_mapping, va, pte, flags);
#else
    return hypercall4(HC_update_va_mapping, va, (ulong)pte, (ulong)(pte >> 32), flags);
#endif
}

long map_slot(unsigned int slot, ulong mfn, u64 pte_flags)
{
    u64 pte = pte_flags ? (((u64)mfn << PAGE_SHIFT) | pte_flags) : 0;
    return update_va_mapping((ulong)slot_address(slot), pte, UVMF_INVLPG | UVMF_LOCAL);
}

long map_slot_foreign(unsigned int slot, ulong mfn, u64 pte_flags, u16 domid)
{
    u64 pte = ((u64)mfn << PAGE_SHIFT) | pte_flags;
#if KERNEL_64
    return hypercall4(HC_update_va_mapping_otherdomain, (ulong)slot_address(slot), pte,
                      UVMF_INVLPG | UVMF_LOCAL, domid);
#else
    return hypercall5(HC_update_va_mapping_otherdomain, (ulong)slot_address(slot), (ulong)pte,
                      (ulong)(pte >> 32), UVMF_INVLPG | UVMF_LOCAL, domid);
#endif
}

long unmap_slot(unsigned int slot)
{
    return map_slot(slot, 0, 0);
}

/* A page-table page of the start-of-day region, by its mfn. */
static const u64 *table_at(u64 entry)
{
    if (!(entry & PTE_P) || (entry & PTE_PS))
        return NULL;
    ulong pfn = mfn_to_pfn((ulong)((entry & PTE_ADDR_MASK) >> PAGE_SHIFT));
    return pfn == ~0ul ? NULL : pfn_to_virt(pfn);
}

u64 l1_entry_maddr(ulong va)
{
    const u64 *table = (const u64 *)mm.start->pt_base;
#if KERNEL_64
    static const unsigned int shifts[] = {39, 30, 21};
#else
    static const unsigned int shifts[] = {30, 21};
#endif
    for (unsigned int i = 0; i < ARRAY_SIZE(shifts); i++) {
        unsigned int index = (unsigned int)((va >> shifts[i]) & (i == 0 && !KERNEL_64 ? 3 : 511));
        table = table_at(table[index]);
        if (!table)
            return 0;
    }
    return ((u64)virt_to_mfn(table) << PAGE_SHIFT) | (((va >> PAGE_SHIFT) & 511) * 8);
}
