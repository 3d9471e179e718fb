#include "exec.h"
#include "guest.h"
#include "console.h"
#include "hypercall.h"
#include "layout.h"
#include "mm.h"
#include "traps.h"

/* Grant mappings made with GNTMAP_host_map, by handle, so that an unmap finds its address. */
#define GRANT_MAPPINGS SLOT_GRANT_MAP_COUNT
static struct {
    bool used;
    u32 handle;
    u64 host_addr;
    u64 dev_bus_addr;
} grant_mappings[GRANT_MAPPINGS];

void exec_init(void)
{
    guest_init();
    memset(grant_mappings, 0, sizeof(grant_mappings));
}

/* ---- page-table and memory operations ---- */

static long mmuext(unsigned int cmd, ulong arg1, ulong arg2)
{
    struct mmuext_op op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    bool baseptr = (cmd == MMUEXT_NEW_BASEPTR || cmd == MMUEXT_NEW_USER_BASEPTR) && arg1 != 0;
    if (baseptr) {
        long rc = inject_kernel_mappings(arg1);
        if (rc == WIRE_RESULT_INJECTION_CONFLICT)
            return rc;
    }
    long rc = hypercall4(HC_mmuext_op, &op, 1, NULL, DOMID_SELF);
    if (baseptr && rc)
        remove_injected_mappings();
    return rc;
}

/* ---- the PV build's hooks for guest.c ---- */

long arch_cr3_write_prepare(u64 value)
{
    long rc = inject_kernel_mappings((ulong)(value >> PAGE_SHIFT));
    return rc == WIRE_RESULT_INJECTION_CONFLICT ? rc : 0;
}

void arch_cr3_write_failed(void)
{
    remove_injected_mappings();
}

void *frame_map(ulong frame, bool writable, long *rc)
{
    *rc = map_slot(SLOT_TEMP, frame, PTE_P | (writable ? PTE_RW : 0));
    return *rc ? NULL : slot_address(SLOT_TEMP);
}

void frame_unmap(void)
{
    unmap_slot(SLOT_TEMP);
}

/* ---- grant tables ---- */

static long grant_version(void)
{
    struct gnttab_get_version query = {DOMID_SELF, 0, 0};
    long rc = hypercall3(HC_grant_table_op, GNTTABOP_get_version, &query, 1);
    return rc ? rc : (long)query.version;
}

/*
 * Maps the shared frame holding entry ref (and, for v2, its status frame) and returns the entry.
 * A guest sees only the frames its table has now (GNTTABOP_query_size): an entry beyond them
 * does not exist for it, so writing one fails as the model says (EINVAL), and the table is
 * never grown on the case's behalf. The caller unmaps with grant_entry_done(): a guest that
 * keeps status frames mapped cannot switch back to version 1 (Xen answers EBUSY).
 */
static long grant_entry(u32 ref, long version, void **entry, volatile u16 **status)
{
    u32 per_frame = version == 2 ? PAGE_SIZE / 16 : PAGE_SIZE / 8;
    u32 index = ref / per_frame;
    struct gnttab_query_size size = {DOMID_SELF, 0, 0, 0};
    long rc = hypercall3(HC_grant_table_op, GNTTABOP_query_size, &size, 1);
    if (rc)
        return rc;
    if (size.status || index >= size.nr_frames || index >= 32)
        return -XEN_EINVAL;
    ulong frames[32];
    struct gnttab_setup_table setup = {DOMID_SELF, size.nr_frames, 0, frames};
    rc = hypercall3(HC_grant_table_op, GNTTABOP_setup_table, &setup, 1);
    if (rc)
        return rc;
    if (setup.status)
        return WIRE_RESULT_ABORTED;
    rc = map_slot(SLOT_GRANT_TABLE + index, frames[index], PTE_P | PTE_RW);
    if (rc)
        return rc;
    u8 *base = slot_address(SLOT_GRANT_TABLE + index);
    *entry = base + (ref % per_frame) * (version == 2 ? 16 : 8);
    *status = NULL;
    if (version == 2) {
        u32 status_index = ref / (PAGE_SIZE / 2);
        u64 status_frames[16];
        struct gnttab_get_status_frames query = {status_index + 1, DOMID_SELF, 0, status_frames};
        rc = hypercall3(HC_grant_table_op, GNTTABOP_get_status_frames, &query, 1);
        if (rc)
            return rc;
        if (query.status)
            return WIRE_RESULT_ABORTED;
        rc = map_slot(SLOT_GRANT_STATUS + status_index, (ulong)status_frames[status_index], PTE_P);
        if (rc)
            return rc;
        *status = (volatile u16 *)slot_address(SLOT_GRANT_STATUS + status_index) + ref % (PAGE_SIZE / 2);
    }
    return 0;
}

static void grant_entry_done(void)
{
    for (unsigned int i = 0; i < 32; i++)
        unmap_slot(SLOT_GRANT_TABLE + i);
    for (unsigned int i = 0; i < 16; i++)
        unmap_slot(SLOT_GRANT_STATUS + i);
}

/*
 * a0 ref; a1 flags | trans_domid << 16; a2 grantee; a3 the frame (v2 layout); a4 sub-page
 * offset | length << 16 | transitive gref << 32; a5 the frame cut to the 32 bits of a v1 entry
 * (relocated after the cut: the model frame that the 32 bits name).
 */
static long grant_write(const u64 *a)
{
    long version = grant_version();
    if (version < 0)
        return version;
    void *entry;
    volatile u16 *status;
    long rc = grant_entry((u32)a[0], version, &entry, &status);
    if (rc) {
        grant_entry_done();
        return rc;
    }
    u16 flags = (u16)a[1];
    if (version == 2) {
        volatile union grant_entry_v2 *e = entry;
        e->hdr.domid = (u16)a[2];
        if ((flags & 3) == 3) {
            e->transitive.trans_domid = (u16)(a[1] >> 16);
            e->transitive.gref = (u32)(a[4] >> 32);
        } else if (flags & (1u << 8)) {
            e->sub_page.page_off = (u16)a[4];
            e->sub_page.length = (u16)(a[4] >> 16);
            e->sub_page.frame = a[3];
        } else {
            e->full_page.frame = a[3];
        }
        barrier();
        e->hdr.flags = flags;
    } else {
        volatile struct grant_entry_v1 *e = entry;
        e->domid = (u16)a[2];
        e->frame = (u32)a[5];
        barrier();
        e->flags = flags;
    }
    grant_entry_done();
    return 0;
}

static long grant_read(u32 ref, struct step_result *result)
{
    long version = grant_version();
    if (version < 0)
        return version;
    void *entry;
    volatile u16 *status;
    long rc = grant_entry(ref, version, &entry, &status);
    if (rc) {
        grant_entry_done();
        return rc;
    }
    if (version == 2) {
        volatile union grant_entry_v2 *e = entry;
        result->out[0] = e->hdr.flags | ((u64)version << 16);
        result->out[1] = e->hdr.domid;
        result->out[2] = e->full_page.frame;
        result->out[3] = status ? *status : 0;
    } else {
        volatile struct grant_entry_v1 *e = entry;
        result->out[0] = e->flags | ((u64)version << 16);
        result->out[1] = e->domid;
        result->out[2] = e->frame;
        result->out[3] = 0;
    }
    grant_entry_done();
    return 0;
}

static long grant_map(const u64 *a, struct step_result *result)
{
    struct gnttab_map_grant_ref map;
    memset(&map, 0, sizeof(map));
    map.flags = (u32)a[1];
    map.ref = (u32)a[2];
    map.dom = (u16)a[3];
    int free_slot = -1;
    for (int i = 0; i < GRANT_MAPPINGS && free_slot < 0; i++)
        if (!grant_mappings[i].used)
            free_slot = i;
    if (free_slot < 0)
        return WIRE_RESULT_UNSUPPORTED;
    map.host_addr = a[0];
    if (!map.host_addr && (map.flags & GNTMAP_host_map)) {
        ulong va = (ulong)slot_address(SLOT_GRANT_MAP + (unsigned int)free_slot);
        map.host_addr = (map.flags & GNTMAP_contains_pte) ? l1_entry_maddr(va) : va;
    }
    long rc = hypercall3(HC_grant_table_op, GNTTABOP_map_grant_ref, &map, 1);
    result->out[0] = (u64)(s64)map.status;
    result->out[1] = map.handle;
    result->out[2] = map.dev_bus_addr;
    if (!rc && map.status == 0) {
        grant_mappings[free_slot].used = true;
        grant_mappings[free_slot].handle = map.handle;
        grant_mappings[free_slot].host_addr = (map.flags & GNTMAP_host_map) ? map.host_addr : 0;
        grant_mappings[free_slot].dev_bus_addr = map.dev_bus_addr;
    }
    return rc;
}

static long grant_unmap(const u64 *a, struct step_result *result)
{
    struct gnttab_unmap_grant_ref unmap;
    memset(&unmap, 0, sizeof(unmap));
    unmap.handle = (u32)a[0];
    unmap.host_addr = a[1];
    unmap.dev_bus_addr = a[2];
    int known = -1;
    for (int i = 0; i < GRANT_MAPPINGS; i++)
        if (grant_mappings[i].used && grant_mappings[i].handle == unmap.handle)
            known = i;
    if (known >= 0 && !unmap.host_addr && !unmap.dev_bus_addr) {
        unmap.host_addr = grant_mappings[known].host_addr;
        unmap.dev_bus_addr = grant_mappings[known].dev_bus_addr;
    }
    long rc = hypercall3(HC_grant_table_op, GNTTABOP_unmap_grant_ref, &unmap, 1);
    result->out[0] = (u64)(s64)unmap.status;
    if (!rc && unmap.status == 0 && known >= 0)
        grant_mappings[known].used = false;
    return rc;
}

static long grant_copy(const u64 *a, struct step_result *result)
{
    struct gnttab_copy copy;
    memset(&copy, 0, sizeof(copy));
    copy.flags = (u16)(a[6] >> 16);
    copy.len = (u16)a[6];
    if (copy.flags & GNTCOPY_source_gref)
        copy.source.u.ref = (u32)a[0];
    else
        copy.source.u.gmfn = (ulong)a[0];
    copy.source.domid = (u16)a[1];
    copy.source.offset = (u16)a[2];
    if (copy.flags & GNTCOPY_dest_gref)
        copy.dest.u.ref = (u32)a[3];
    else
        copy.dest.u.gmfn = (ulong)a[3];
    copy.dest.domid = (u16)a[4];
    copy.dest.offset = (u16)a[5];
    long rc = hypercall3(HC_grant_table_op, GNTTABOP_copy, &copy, 1);
    result->out[0] = (u64)(s64)copy.status;
    return rc;
}

/* ---- the dispatcher ---- */

void exec_step(unsigned int vcpu, const struct wire_step *step, struct step_result *result)
{
    const u64 *a = step->args;
    memset(result, 0, sizeof(*result));
    guest_set_vcpu(vcpu);
    if (guest_step(step, result))
        return;
    switch (step->op) {
    case WIRE_OP_OWN_TOP_ENTRY:
        /* An entry of the kernel's own start-of-day top-level table, Xen's slots included. */
        if (a[0] >= PAGE_SIZE / sizeof(u64)) {
            result->rc = -XEN_EINVAL;
            return;
        }
        result->out[0] = ((const volatile u64 *)mm.start->pt_base)[a[0]];
        return;
    case WIRE_OP_NOP:
        break;
    case WIRE_OP_MMU_UPDATE: {
        struct mmu_update request = {a[0], a[1]};
        result->rc = hypercall4(HC_mmu_update, &request, 1, NULL, a[2] ? (ulong)a[2] : DOMID_SELF);
        break;
    }
    case WIRE_OP_MMUEXT_OP:
        result->rc = mmuext((unsigned int)a[0], (ulong)a[1], (ulong)a[2]);
        break;
    case WIRE_OP_UPDATE_VA_MAPPING:
        result->rc = update_va_mapping((ulong)a[0], a[1], (ulong)a[2]);
        break;
    case WIRE_OP_GNTTAB_SET_VERSION: {
        struct gnttab_set_version set = {(u32)a[0]};
        result->rc = hypercall3(HC_grant_table_op, GNTTABOP_set_version, &set, 1);
        result->out[0] = set.version;
        break;
    }
    case WIRE_OP_GNTTAB_GET_VERSION: {
        struct gnttab_get_version get = {(u16)a[0], 0, 0};
        result->rc = hypercall3(HC_grant_table_op, GNTTABOP_get_version, &get, 1);
        result->out[0] = get.version;
        break;
    }
    case WIRE_OP_GNTTAB_MAP:
        result->rc = grant_map(a, result);
        break;
    case WIRE_OP_GNTTAB_UNMAP:
        result->rc = grant_unmap(a, result);
        break;
    case WIRE_OP_GNTTAB_COPY:
        result->rc = grant_copy(a, result);
        break;
    case WIRE_OP_GNTTAB_TRANSFER: {
        /* a3 = 1: a transfer of no entries, which only asks whether Xen offers transfers at all. */
        struct gnttab_transfer transfer = {(ulong)a[0], (u16)a[1], (u32)a[2], 0};
        result->rc = hypercall3(HC_grant_table_op, GNTTABOP_transfer, &transfer, a[3] ? 0 : 1);
        result->out[0] = (u64)(s64)transfer.status;
        break;
    }
    case WIRE_OP_GNTTAB_GET_STATUS_FRAMES: {
        u64 frames[64];
        struct gnttab_get_status_frames query = {(u32)a[1], (u16)a[0], 0, frames};
        result->rc = hypercall3(HC_grant_table_op, GNTTABOP_get_status_frames, &query, (ulong)a[2]);
        result->out[0] = (u64)(s64)query.status;
        break;
    }
    case WIRE_OP_GRANT_WRITE:
        result->rc = grant_write(a);
        break;
    case WIRE_OP_GRANT_READ:
        result->rc = grant_read((u32)a[0], result);
        break;
    default:
        result->rc = WIRE_RESULT_UNSUPPORTED;
        break;
    }
}

void exec_reset(void)
{
    /* dom0 ran steps of its own: put its own tables back as base pointers. */
    struct mmuext_op op;
    memset(&op, 0, sizeof(op));
    op.cmd = MMUEXT_NEW_BASEPTR;
    op.arg1.mfn = mm.top_mfn;
    hypercall4(HC_mmuext_op, &op, 1, NULL, DOMID_SELF);
#if KERNEL_64
    op.cmd = MMUEXT_NEW_USER_BASEPTR;
    hypercall4(HC_mmuext_op, &op, 1, NULL, DOMID_SELF);
#endif
    forget_injections();
    exec_init();
}
