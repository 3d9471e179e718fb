/*
 * Keeping the kernel mapped under a case's page tables. A case builds its own top-level table
 * and installs it with MMUEXT_NEW_BASEPTR; from then on the CPU walks the case's tables, in
 * which the test kernel's code, stack and data must still be found. Just before installing
 * them, the executor copies into the case's table the entries that map the kernel:
 * - 64-bit: L4 slot 511 (the kernel lives at 0xffffffff80000000, a slot no case uses);
 * - PAE (32-bit): the first L2 entries of the L2 that L3 slot 3 points to (the kernel lives
 *   at 0xC0000000, below Xen's own part of that L2).
 * A slot the case already uses is a conflict: the case cannot run on this kernel (reported as
 * such, never silently overwritten). If the base pointer is refused, the copied entries are
 * removed again, so that the case's frames hold only what the case wrote. Entries left in
 * place are remembered for the whole case: a case reading one back sees what it put there
 * (nothing), not the kernel's mapping (injected_entry()).
 */
#include "exec.h"
#include "guest.h"
#include "console.h"
#include "hypercall.h"
#include "layout.h"
#include "mm.h"

#define MAX_INJECTED 4

struct injected {
    u64 maddr[MAX_INJECTED];
    unsigned int count;
};
static struct injected last_injection;

/* Every entry injected during the current case and still in place. */
#define MAX_CASE_INJECTED 32
static u64 case_injected[MAX_CASE_INJECTED];
static unsigned int case_injected_count;

static void remember(u64 maddr)
{
    for (unsigned int i = 0; i < case_injected_count; i++)
        if (case_injected[i] == maddr)
            return;
    if (case_injected_count < MAX_CASE_INJECTED)
        case_injected[case_injected_count++] = maddr;
    else
        fatal("more injected entries than one case can have", MAX_CASE_INJECTED);
}

static void forget(u64 maddr)
{
    for (unsigned int i = 0; i < case_injected_count; i++)
        if (case_injected[i] == maddr) {
            case_injected[i] = case_injected[--case_injected_count];
            return;
        }
}

bool injected_entry(ulong mfn, unsigned int index)
{
    u64 maddr = ((u64)mfn << PAGE_SHIFT) + index * 8;
    for (unsigned int i = 0; i < case_injected_count; i++)
        if (case_injected[i] == maddr)
            return true;
    return false;
}

void forget_injections(void)
{
    case_injected_count = 0;
    last_injection.count = 0;
}

static long read_entry(ulong mfn, unsigned int index, u64 *value)
{
    long rc = map_slot(SLOT_TEMP + 7, mfn, PTE_P);
    if (rc)
        return rc;
    *value = ((volatile u64 *)slot_address(SLOT_TEMP + 7))[index];
    unmap_slot(SLOT_TEMP + 7);
    return 0;
}

static long write_entry(u64 maddr, u64 value)
{
    struct mmu_update request = {maddr | MMU_NORMAL_PT_UPDATE, value};
    return hypercall4(HC_mmu_update, &request, 1, NULL, DOMID_SELF);
}

static long inject_one(ulong table_mfn, unsigned int index, u64 ours)
{
    u64 theirs;
    long rc = read_entry(table_mfn, index, &theirs);
    if (rc)
        return rc;
    if (theirs & PTE_P)
        return (theirs & PTE_ADDR_MASK) == (ours & PTE_ADDR_MASK) ? 0 : WIRE_RESULT_INJECTION_CONFLICT;
    u64 maddr = ((u64)table_mfn << PAGE_SHIFT) + index * 8;
    rc = write_entry(maddr, ours);
    if (!rc) {
        if (last_injection.count < MAX_INJECTED)
            last_injection.maddr[last_injection.count++] = maddr;
        remember(maddr);
    }
    return rc;
}

long inject_kernel_mappings(ulong top_mfn)
{
    last_injection.count = 0;
    const u64 *own_top = (const u64 *)mm.start->pt_base;
#if KERNEL_64
    return inject_one(top_mfn, KERNEL_TOP_SLOT, own_top[KERNEL_TOP_SLOT]);
#else
    u64 slot3;
    long rc = read_entry(top_mfn, KERNEL_TOP_SLOT, &slot3);
    if (rc || !(slot3 & PTE_P))
        return rc; /* Xen refuses a PAE L3 without slot 3: nothing to keep mapped */
    ulong their_l2 = (ulong)((slot3 & PTE_ADDR_MASK) >> PAGE_SHIFT);
    ulong own_l2_pfn = mfn_to_pfn((ulong)((own_top[KERNEL_TOP_SLOT] & PTE_ADDR_MASK) >> PAGE_SHIFT));
    if (own_l2_pfn == ~0ul)
        fatal("own L2 not in the start-of-day region", 0);
    const u64 *own_l2 = pfn_to_virt(own_l2_pfn);
    for (unsigned int i = 0; i < MAX_INJECTED; i++) {
        if (!(own_l2[i] & PTE_P))
            continue;
        rc = inject_one(their_l2, i, own_l2[i]);
        if (rc)
            return rc;
    }
    return 0;
#endif
}

void remove_injected_mappings(void)
{
    while (last_injection.count) {
        u64 maddr = last_injection.maddr[--last_injection.count];
        write_entry(maddr, 0);
        forget(maddr);
    }
}
