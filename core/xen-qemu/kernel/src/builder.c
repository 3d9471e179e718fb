/*
 * dom0 as a small toolstack: creates an unprivileged PV domU and starts the test kernel in it,
 * the steps Xen's own dom0 builder and libxenguest take, written from Xen's public headers:
 *   XEN_DOMCTL_createdomain, max_mem, (set_address_size 32), XENMEM_populate_physmap;
 *   the kernel image, a mailbox page, start_info, the p2m list and the start-of-day page
 *   tables written through foreign mappings; the top-level table pinned for the domU;
 *   XEN_DOMCTL_hypercall_init, setvcpucontext (every vCPU, each online), unpausedomain.
 * Every vCPU of a PV domU runs the kernel's executor loop, with its own counters in the mailbox.
 * The domU's start-of-day layout matches the one Xen gives dom0 (pfn i at KERNEL_VIRT_BASE +
 * i pages, page tables mapped read-only), so the same kernel runs in both. After it come the
 * 256 pool frames a case's model frames d * 0x10000 + i stand for, never mapped by the domU.
 */
#include "domains.h"
#include "console.h"
#include "hypercall.h"
#include "mm.h"

#define PT_LOAD 1
#define PT_NOTE 4
#define ELF_NOTE_ENTRY 1
#define ELF_NOTE_HYPERCALL_PAGE 2
#define ELF_NOTE_VIRT_BASE 3
#define HVABI_NOTE_USER_RANGE 1

#define MAX_BUILD_PAGES 2048
static ulong build_p2m[MAX_BUILD_PAGES];

struct elf_segment {
    u64 vaddr, filesz, memsz, offset;
};
struct elf_info {
    bool is64;
    u64 header_entry; /* e_entry: the HVM executor's start (it carries no Xen notes) */
    u64 entry, hypercall_page, virt_base, user_start, user_end;
    struct elf_segment segments[4];
    unsigned int segment_count;
    u64 image_end;
};

static u64 read_le(const u8 *p, unsigned int bytes)
{
    u64 value = 0;
    for (unsigned int i = bytes; i--;)
        value = (value << 8) | p[i];
    return value;
}

static void parse_notes(const u8 *notes, u64 length, struct elf_info *info)
{
    u64 at = 0;
    while (at + 12 <= length) {
        u32 namesz = (u32)read_le(notes + at, 4), descsz = (u32)read_le(notes + at + 4, 4);
        u32 type = (u32)read_le(notes + at + 8, 4);
        const u8 *name = notes + at + 12;
        const u8 *desc = name + ((namesz + 3) & ~3u);
        if (desc + descsz > notes + length)
            return;
        unsigned int width = descsz >= 8 ? 8 : 4;
        if (namesz == 4 && !memcmp(name, "Xen", 4)) {
            if (type == ELF_NOTE_ENTRY)
                info->entry = read_le(desc, width);
            else if (type == ELF_NOTE_HYPERCALL_PAGE)
                info->hypercall_page = read_le(desc, width);
            else if (type == ELF_NOTE_VIRT_BASE)
                info->virt_base = read_le(desc, width);
        } else if (namesz == 6 && !memcmp(name, "hvabi", 6) && type == HVABI_NOTE_USER_RANGE &&
                   (descsz == 8 || descsz == 16)) {
            /* two addresses of the image's width */
            info->user_start = read_le(desc, descsz / 2);
            info->user_end = read_le(desc + descsz / 2, descsz / 2);
        }
        at = (u64)(desc - notes) + ((descsz + 3) & ~3u);
    }
}

static const char *parse_elf(const struct kernel_image *image, struct elf_info *info)
{
    const u8 *e = image->elf;
    memset(info, 0, sizeof(*info));
    if (image->length < 64 || memcmp(e, "\177ELF", 4))
        return "not an ELF image";
    info->is64 = e[4] == 2;
    u64 phoff = info->is64 ? read_le(e + 32, 8) : read_le(e + 28, 4);
    unsigned int phentsize = (unsigned int)read_le(e + (info->is64 ? 54 : 42), 2);
    unsigned int phnum = (unsigned int)read_le(e + (info->is64 ? 56 : 44), 2);
    if (phoff + (u64)phentsize * phnum > image->length)
        return "program headers past the end of the image";
    for (unsigned int i = 0; i < phnum; i++) {
        const u8 *ph = e + phoff + (u64)i * phentsize;
        u32 type = (u32)read_le(ph, 4);
        u64 offset = info->is64 ? read_le(ph + 8, 8) : read_le(ph + 4, 4);
        u64 vaddr = info->is64 ? read_le(ph + 16, 8) : read_le(ph + 8, 4);
        u64 filesz = info->is64 ? read_le(ph + 32, 8) : read_le(ph + 16, 4);
        u64 memsz = info->is64 ? read_le(ph + 40, 8) : read_le(ph + 20, 4);
        if (offset + filesz > image->length)
            return "a segment past the end of the image";
        if (type == PT_NOTE) {
            parse_notes(e + offset, filesz, info);
        } else if (type == PT_LOAD && memsz) {
            if (info->segment_count == ARRAY_SIZE(info->segments))
                return "too many segments";
            info->segments[info->segment_count++] = (struct elf_segment){vaddr, filesz, memsz, offset};
            if (vaddr + memsz > info->image_end)
                info->image_end = vaddr + memsz;
        }
    }
    info->header_entry = info->is64 ? read_le(e + 24, 8) : read_le(e + 24, 4);
    return NULL;
}

static const char *require_xen_notes(const struct elf_info *info)
{
    return !info->entry || !info->hypercall_page || !info->virt_base ? "missing Xen ELF notes" : NULL;
}

long domctl(struct xen_domctl *op)
{
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return hypercall1(HC_domctl, op);
}

long sysctl(struct xen_sysctl *op)
{
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return hypercall1(HC_sysctl, op);
}

/* Maps pfn of the domU being built at the build window, writable. */
static void *map_build_page(u16 domid, ulong mfn, unsigned int slot, long *rc)
{
    *rc = map_slot_foreign(SLOT_BUILD + slot, mfn, PTE_P | PTE_RW, domid);
    return *rc ? NULL : slot_address(SLOT_BUILD + slot);
}

struct layout {
    ulong image_pages, mailbox, start_info, p2m, p2m_pages, tables, table_count, l1_count, bootstrap, total;
};

static void plan_layout(const struct elf_info *elf, struct layout *l)
{
    unsigned int entry_size = elf->is64 ? 8 : 4;
    unsigned int upper_tables = elf->is64 ? 3 : 2; /* L4, L3, L2 / PAE L3, L2 */
    l->image_pages = (ulong)((elf->image_end - elf->virt_base + PAGE_SIZE - 1) >> PAGE_SHIFT);
    l->mailbox = l->image_pages;
    l->start_info = l->mailbox + 1;
    l->p2m = l->start_info + 1;
    for (l->l1_count = 1;; l->l1_count++) {
        /* The p2m covers every page; its size depends on the total, which depends on the tables. */
        ulong before_p2m = l->p2m;
        ulong guess_total = before_p2m + 8 + upper_tables + l->l1_count + WIRE_SIZE_POOL_FRAMES;
        l->p2m_pages = (guess_total * entry_size + PAGE_SIZE - 1) / PAGE_SIZE;
        l->tables = l->p2m + l->p2m_pages;
        l->table_count = upper_tables + l->l1_count;
        l->bootstrap = l->tables + l->table_count;
        if ((l->bootstrap + 511) / 512 <= l->l1_count)
            break;
    }
    l->total = l->bootstrap + WIRE_SIZE_POOL_FRAMES;
}

static long populate(u16 domid, ulong count)
{
    for (ulong i = 0; i < count; i++)
        build_p2m[i] = i;
    ulong done = 0;
    while (done < count) {
        struct xen_memory_reservation reservation = {&build_p2m[done], count - done, 0, 0, domid};
        long rc = hypercall2(HC_memory_op, XENMEM_populate_physmap, &reservation);
        if (rc <= 0)
            return rc ? rc : -XEN_ENOMEM;
        done += (ulong)rc;
    }
    return 0;
}

static u64 pte_for(ulong pfn, const struct layout *l, const struct elf_info *elf)
{
    u64 flags = PTE_P | PTE_A;
    bool table = pfn >= l->tables && pfn < l->tables + l->table_count;
    if (!table)
        flags |= PTE_RW | PTE_D;
    u64 va = elf->virt_base + ((u64)pfn << PAGE_SHIFT);
    if (!elf->is64 && va >= elf->user_start && va < elf->user_end)
        flags |= PTE_US;
    return ((u64)build_p2m[pfn] << PAGE_SHIFT) | flags;
}

static long write_tables(u16 domid, const struct layout *l, const struct elf_info *elf)
{
    long rc;
    ulong next = l->tables;
    ulong top = next++;
    ulong l3 = elf->is64 ? next++ : top;
    ulong l2 = next++;
    ulong first_l1 = next;
    u64 va = elf->virt_base;
    /* 64-bit: L4[511] -> L3[510] -> L2 -> L1s. PAE: L3[3] -> L2 -> L1s. */
    for (ulong t = l->tables; t < l->tables + l->table_count; t++) {
        u64 *page = map_build_page(domid, build_p2m[t], 0, &rc);
        if (!page)
            return rc;
        memset(page, 0, PAGE_SIZE);
        if (elf->is64 && t == top)
            page[(va >> 39) & 511] = ((u64)build_p2m[l3] << PAGE_SHIFT) | PTE_P | PTE_RW | PTE_A;
        if (t == l3)
            page[(va >> 30) & (elf->is64 ? 511 : 3)] = ((u64)build_p2m[l2] << PAGE_SHIFT) | PTE_P |
                                                       (elf->is64 ? PTE_RW | PTE_A : 0);
        if (t == l2)
            for (ulong i = 0; i < l->l1_count; i++)
                page[((va >> 21) & 511) + i] = ((u64)build_p2m[first_l1 + i] << PAGE_SHIFT) | PTE_P | PTE_RW |
                                               PTE_A | (elf->is64 ? 0 : PTE_US);
        if (t >= first_l1) {
            ulong base = (t - first_l1) * 512;
            for (ulong i = 0; i < 512 && base + i < l->bootstrap; i++)
                page[i] = pte_for(base + i, l, elf);
        }
        unmap_slot(SLOT_BUILD);
    }
    return 0;
}

static long write_image(u16 domid, const struct kernel_image *image, const struct layout *l,
                        const struct elf_info *elf)
{
    long rc;
    for (ulong pfn = 0; pfn < l->image_pages; pfn++) {
        u8 *page = map_build_page(domid, build_p2m[pfn], 0, &rc);
        if (!page)
            return rc;
        memset(page, 0, PAGE_SIZE);
        u64 page_va = elf->virt_base + ((u64)pfn << PAGE_SHIFT);
        for (unsigned int s = 0; s < elf->segment_count; s++) {
            const struct elf_segment *seg = &elf->segments[s];
            u64 from = seg->vaddr > page_va ? seg->vaddr : page_va;
            u64 to = seg->vaddr + seg->filesz;
            if (to > page_va + PAGE_SIZE)
                to = page_va + PAGE_SIZE;
            if (from < to)
                memcpy(page + (from - page_va), image->elf + seg->offset + (from - seg->vaddr), (size_t)(to - from));
        }
        unmap_slot(SLOT_BUILD);
    }
    return 0;
}

static long write_small_pages(u16 domid, const struct layout *l, const struct elf_info *elf,
                              u64 shared_info_maddr)
{
    long rc;
    u8 *page = map_build_page(domid, build_p2m[l->mailbox], 0, &rc);
    if (!page)
        return rc;
    memset(page, 0, PAGE_SIZE);
    ((struct mailbox *)page)->magic = MAILBOX_MAGIC;
    unmap_slot(SLOT_BUILD);

    for (ulong i = 0; i < l->p2m_pages; i++) {
        page = map_build_page(domid, build_p2m[l->p2m + i], 0, &rc);
        if (!page)
            return rc;
        memset(page, 0, PAGE_SIZE);
        unsigned int per_page = elf->is64 ? 512 : 1024;
        for (ulong j = 0; j < per_page && i * per_page + j < l->total; j++) {
            ulong pfn = i * per_page + j;
            if (elf->is64)
                ((u64 *)page)[j] = build_p2m[pfn];
            else
                ((u32 *)page)[j] = (u32)build_p2m[pfn];
        }
        unmap_slot(SLOT_BUILD);
    }

    page = map_build_page(domid, build_p2m[l->start_info], 0, &rc);
    if (!page)
        return rc;
    memset(page, 0, PAGE_SIZE);
    u64 va = elf->virt_base;
    if (elf->is64) {
        struct start_info *si = (struct start_info *)page;
        memcpy(si->magic, "xen-3.0-x86_64", 15);
        si->nr_pages = l->total;
        si->shared_info = shared_info_maddr;
        si->pt_base = va + (l->tables << PAGE_SHIFT);
        si->nr_pt_frames = l->table_count;
        si->mfn_list = va + (l->p2m << PAGE_SHIFT);
        si->mod_start = va + (l->mailbox << PAGE_SHIFT);
        si->mod_len = PAGE_SIZE;
    } else {
        /* The compat start_info: every unsigned long is 32 bits (xen.h, i386 layout). */
        u32 *w = (u32 *)page;
        memcpy(page, "xen-3.0-x86_32p", 16);
        w[8] = (u32)l->total;                  /* nr_pages */
        w[9] = (u32)shared_info_maddr;         /* shared_info */
        /* flags w[10] = 0, store_mfn w[11], store_evtchn w[12], console w[13..14] */
        w[15] = (u32)(va + (l->tables << PAGE_SHIFT)); /* pt_base */
        w[16] = (u32)l->table_count;           /* nr_pt_frames */
        w[17] = (u32)(va + (l->p2m << PAGE_SHIFT));    /* mfn_list */
        w[18] = (u32)(va + (l->mailbox << PAGE_SHIFT)); /* mod_start */
        w[19] = PAGE_SIZE;                     /* mod_len */
    }
    unmap_slot(SLOT_BUILD);
    return 0;
}

static struct mmuext_op clear_ops[WIRE_SIZE_POOL_FRAMES];

static long clear_pages(u16 domid, const ulong *mfns, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++) {
        memset(&clear_ops[i], 0, sizeof(clear_ops[i]));
        clear_ops[i].cmd = MMUEXT_CLEAR_PAGE;
        clear_ops[i].arg1.mfn = mfns[i];
    }
    unsigned int done = 0;
    long rc = hypercall4(HC_mmuext_op, clear_ops, count, &done, domid);
    return rc ? rc : done == count ? 0 : -XEN_EIO;
}

static struct vcpu_guest_context64 context64;
static struct vcpu_guest_context32 context32;

/*
 * vCPU vcpu's start: every vCPU enters the kernel at its entry, online, on the start-of-day
 * tables, with the toolstack's CR0 and CR4. vCPU 0 gets start_info in %rsi/%esi; any other
 * gets 0 there and its id in %rdi/%edi (head.S gives it its own stack and secondary_main).
 */
static long set_context(const struct wire_domain *spec, const struct layout *l, const struct elf_info *elf,
                        unsigned int vcpu)
{
    u16 domid = spec->domid;
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_setvcpucontext;
    op.domain = domid;
    op.u.vcpucontext.vcpu = vcpu;
    u64 va = elf->virt_base;
    u64 stack = va + (l->bootstrap << PAGE_SHIFT); /* the kernel switches to its own stack at once */
    u64 start_info = vcpu ? 0 : va + (l->start_info << PAGE_SHIFT);
    ulong top_mfn = build_p2m[l->tables];
    if (elf->is64) {
        memset(&context64, 0, sizeof(context64));
        context64.flags = VGCF_in_kernel | VGCF_online;
        context64.user_regs.rip = elf->entry;
        context64.user_regs.rsp = stack;
        context64.user_regs.rsi = start_info;
        context64.user_regs.rdi = vcpu;
        context64.user_regs.rflags = 1u << 9;
        context64.user_regs.cs = FLAT64_KERNEL_CS;
        context64.user_regs.ss = FLAT64_KERNEL_SS;
        context64.kernel_ss = FLAT64_KERNEL_SS;
        context64.kernel_sp = stack;
        context64.ctrlreg[3] = (u64)top_mfn << PAGE_SHIFT;
        if (spec->flags & WIRE_DOMAIN_FLAG_VCPU_CONTEXT) {
            /* The toolstack's CR0 and CR4 (Xen keeps only CR0.TS and fixes CR4 up). */
            context64.ctrlreg[0] = spec->cr0;
            context64.ctrlreg[4] = spec->cr4;
        }
        op.u.vcpucontext.ctxt = (u64)(ulong)&context64;
    } else {
        memset(&context32, 0, sizeof(context32));
        context32.flags = VGCF_in_kernel | VGCF_online;
        context32.user_regs.eip = (u32)elf->entry;
        context32.user_regs.esp = (u32)stack;
        context32.user_regs.esi = (u32)start_info;
        context32.user_regs.edi = vcpu;
        context32.user_regs.eflags = 1u << 9;
        context32.user_regs.cs = FLAT32_KERNEL_CS;
        context32.user_regs.ss = FLAT32_KERNEL_DS;
        context32.user_regs.ds = FLAT32_KERNEL_DS;
        context32.user_regs.es = FLAT32_KERNEL_DS;
        context32.kernel_ss = FLAT32_KERNEL_DS;
        context32.kernel_sp = (u32)stack;
        /* compat %cr3 holds the pfn rotated: xen_pfn_to_cr3 for x86_32 */
        context32.ctrlreg[3] = (u32)((top_mfn << 12) | (top_mfn >> 20));
        if (spec->flags & WIRE_DOMAIN_FLAG_VCPU_CONTEXT) {
            context32.ctrlreg[0] = (u32)spec->cr0;
            context32.ctrlreg[4] = (u32)spec->cr4;
        }
        context32.event_callback_cs = FLAT32_KERNEL_CS;
        context32.failsafe_callback_cs = FLAT32_KERNEL_CS;
        op.u.vcpucontext.ctxt = (u64)(ulong)&context32;
    }
    return domctl(&op);
}

/* 0xff asks for libxl's default: version 2 when the host offers it, else 1 (XEN_SYSCTL_physinfo);
 * raw grant_opts, when given, go to Xen as they are. */
static u32 grant_version_for(const struct wire_domain *spec)
{
    if (spec->flags & WIRE_DOMAIN_FLAG_GRANT_OPTS)
        return spec->reserved1[0];
    if (spec->max_grant_version != 0xff)
        return spec->max_grant_version;
    struct xen_sysctl sys;
    memset(&sys, 0, sizeof(sys));
    sys.cmd = XEN_SYSCTL_physinfo;
    if (sysctl(&sys))
        return 1;
    u32 caps = sys.u.physinfo.capabilities;
    return (caps & XEN_SYSCTL_PHYSCAP_gnttab_v2) ? 2 : (caps & XEN_SYSCTL_PHYSCAP_gnttab_v1) ? 1 : 0;
}

static long create(const struct wire_domain *spec)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_createdomain;
    op.domain = spec->domid;
    struct xen_domctl_createdomain *c = &op.u.createdomain;
    c->max_vcpus = spec->vcpus ? spec->vcpus : 1;
    c->max_evtchn_port = 1023;
    c->max_grant_frames = spec->max_grant_frames;
    c->max_maptrack_frames = spec->max_maptrack_frames;
    c->grant_opts = grant_version_for(spec);
    long rc = domctl(&op);
    if (rc)
        return rc;
    /* vCPUs are allocated by XEN_DOMCTL_max_vcpus, with the count createdomain fixed. */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_vcpus;
    op.domain = spec->domid;
    op.u.max_vcpus.max = spec->vcpus ? spec->vcpus : 1;
    return domctl(&op);
}

static long simple_domctl(u32 cmd, u16 domid)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = domid;
    return domctl(&op);
}

bool domu_stopped(u16 domid, unsigned int *reason)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.domain = domid;
    if (domctl(&op) || op.u.getdomaininfo.domain != domid) {
        *reason = 0xff;
        return true;
    }
    u32 flags = op.u.getdomaininfo.flags;
    *reason = (flags >> XEN_DOMINF_shutdownshift) & 0xff;
    return flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying);
}

long domu_build(const struct wire_domain *spec, const struct kernel_image *image, unsigned int mailbox_slot,
                struct domu *domu, const char **why)
{
    struct elf_info elf;
    struct layout layout;
    memset(domu, 0, sizeof(*domu));
    domu->domid = spec->domid;
    domu->type = spec->type;
    if (!image->elf) {
        *why = "no kernel image of that width in the boot module";
        return WIRE_RESULT_UNSUPPORTED;
    }
    *why = parse_elf(image, &elf);
    if (!*why)
        *why = require_xen_notes(&elf);
    if (*why)
        return WIRE_RESULT_UNSUPPORTED;
    domu->vcpus = spec->vcpus ? spec->vcpus : 1;
    if (domu->vcpus > WIRE_SIZE_MAX_VCPUS_PER_DOMAIN) {
        *why = "more vCPUs than the test kernel runs executors on";
        return WIRE_RESULT_UNSUPPORTED;
    }
    plan_layout(&elf, &layout);
    if (layout.total > MAX_BUILD_PAGES) {
        *why = "kernel image too large";
        return WIRE_RESULT_UNSUPPORTED;
    }

    long rc;
    *why = "XEN_DOMCTL_createdomain";
    if ((rc = create(spec)))
        return rc;
    domu->built = true;

    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_mem;
    op.domain = spec->domid;
    op.u.max_mem.max_memkb = (layout.total + 64) * 4;
    *why = "XEN_DOMCTL_max_mem";
    if ((rc = domctl(&op)))
        return rc;
    if (spec->flags & WIRE_DOMAIN_FLAG_IO_RESOURCES) {
        /* I/O resources: the frames standing for the model's MMIO window (wire.json "model"). */
        memset(&op, 0, sizeof(op));
        op.cmd = XEN_DOMCTL_iomem_permission;
        op.domain = spec->domid;
        op.u.iomem_permission.first_mfn = WIRE_MODEL_REAL_MMIO_FIRST;
        op.u.iomem_permission.nr_mfns = WIRE_MODEL_MMIO_WINDOW_FRAMES;
        op.u.iomem_permission.allow_access = 1;
        *why = "XEN_DOMCTL_iomem_permission";
        if ((rc = domctl(&op)))
            return rc;
    }
    if (!elf.is64) {
        memset(&op, 0, sizeof(op));
        op.cmd = XEN_DOMCTL_set_address_size;
        op.domain = spec->domid;
        op.u.address_size.size = 32;
        *why = "XEN_DOMCTL_set_address_size 32";
        if ((rc = domctl(&op)))
            return rc;
    }
    *why = "XENMEM_populate_physmap";
    if ((rc = populate(spec->domid, layout.total)))
        return rc;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.domain = spec->domid;
    *why = "XEN_DOMCTL_getdomaininfo";
    if ((rc = domctl(&op)))
        return rc;
    u64 shared_info_maddr = op.u.getdomaininfo.shared_info_frame << PAGE_SHIFT;

    *why = "writing the kernel image";
    if ((rc = write_image(spec->domid, image, &layout, &elf)))
        return rc;
    *why = "writing start_info, the p2m and the mailbox";
    if ((rc = write_small_pages(spec->domid, &layout, &elf, shared_info_maddr)))
        return rc;
    *why = "writing the page tables";
    if ((rc = write_tables(spec->domid, &layout, &elf)))
        return rc;

    struct mmuext_op pin;
    memset(&pin, 0, sizeof(pin));
    pin.cmd = elf.is64 ? MMUEXT_PIN_L4_TABLE : MMUEXT_PIN_L3_TABLE;
    pin.arg1.mfn = build_p2m[layout.tables];
    *why = "pinning the start-of-day page tables";
    if ((rc = hypercall4(HC_mmuext_op, &pin, 1, NULL, spec->domid)))
        return rc;

    ulong hypercall_pfn = (ulong)((elf.hypercall_page - elf.virt_base) >> PAGE_SHIFT);
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_hypercall_init;
    op.domain = spec->domid;
    op.u.hypercall_init.gmfn = build_p2m[hypercall_pfn];
    *why = "XEN_DOMCTL_hypercall_init";
    if ((rc = domctl(&op)))
        return rc;
    *why = "XEN_DOMCTL_setvcpucontext";
    for (unsigned int vcpu = 0; vcpu < domu->vcpus; vcpu++)
        if ((rc = set_context(spec, &layout, &elf, vcpu)))
            return rc;

    for (unsigned int i = 0; i < WIRE_SIZE_POOL_FRAMES; i++)
        domu->pool[i] = build_p2m[layout.bootstrap + i];
    /* The model's frames start zeroed; a debug Xen hands out pages filled with a poison byte. */
    *why = "clearing the pool frames";
    if ((rc = clear_pages(spec->domid, domu->pool, WIRE_SIZE_POOL_FRAMES)))
        return rc;
    *why = "mapping the mailbox";
    if ((rc = map_slot_foreign(mailbox_slot, build_p2m[layout.mailbox], PTE_P | PTE_RW, spec->domid)))
        return rc;
    domu->mailbox = slot_address(mailbox_slot);

    *why = "XEN_DOMCTL_unpausedomain";
    if ((rc = simple_domctl(XEN_DOMCTL_unpausedomain, spec->domid)))
        return rc;
    *why = "waiting for the domU's kernel to start on every vCPU";
    for (unsigned int vcpu = 0; vcpu < domu->vcpus; vcpu++) {
        for (unsigned long spins = 0; domu->mailbox->vcpu[vcpu].state != MAILBOX_READY; spins++) {
            unsigned int reason;
            if (domu_stopped(spec->domid, &reason))
                return WIRE_RESULT_ABORTED;
            if (spins > 2000000)
                return WIRE_RESULT_ABORTED;
            hypercall2(HC_sched_op, SCHEDOP_yield, NULL);
        }
    }
    *why = NULL;
    return 0;
}

long domu_run_step(struct domu *domu, const struct wire_step *step, struct step_result *result)
{
    if (step->vcpu >= domu->vcpus) {
        *result = (struct step_result){.rc = WIRE_RESULT_UNSUPPORTED};
        return 0;
    }
    volatile struct mailbox *box = domu->mailbox;
    volatile struct mailbox_vcpu *target = &box->vcpu[step->vcpu];
    box->step = *step;
    barrier();
    u32 request = target->request + 1;
    target->request = request;
    for (unsigned long spins = 0; target->done != request; spins++) {
        hypercall2(HC_sched_op, SCHEDOP_yield, NULL);
        /* A step never takes this long: the domU is stuck (it stays alive until the case ends). */
        if (spins > 400000)
            return WIRE_RESULT_ABORTED;
        if ((spins & 63) == 63) {
            unsigned int reason;
            if (domu_stopped(domu->domid, &reason))
                return WIRE_RESULT_ABORTED;
        }
    }
    barrier();
    *result = box->result;
    return 0;
}

long domu_kill(struct domu *domu)
{
    if (!domu->built)
        return 0;
    if (domu->mailbox) {
        /* The mailbox slot is dom0's mapping of a domU page: drop it so the domain can die. */
        update_va_mapping((ulong)domu->mailbox, 0, UVMF_INVLPG | UVMF_LOCAL);
        domu->mailbox = NULL;
    }
    long rc = simple_domctl(XEN_DOMCTL_destroydomain, domu->domid);
    return rc == -XEN_ESRCH ? 0 : rc;
}

long domu_wait_gone(struct domu *domu)
{
    if (!domu->built)
        return 0;
    /* The domid is free once getdomaininfo no longer finds the domain. */
    for (unsigned long spins = 0; spins < 200000; spins++) {
        struct xen_domctl op;
        memset(&op, 0, sizeof(op));
        op.cmd = XEN_DOMCTL_getdomaininfo;
        op.domain = domu->domid;
        if (domctl(&op) || op.u.getdomaininfo.domain != domu->domid) {
            domu->built = false;
            return 0;
        }
        hypercall2(HC_sched_op, SCHEDOP_yield, NULL);
    }
    return -XEN_EBUSY;
}

long domu_destroy(struct domu *domu)
{
    long rc = domu_kill(domu);
    return rc ? rc : domu_wait_gone(domu);
}

/*
 * ---- HVM guests ----
 * An HVM (PVH-style: no device model) domain whose vCPU starts already in the case's own mode:
 * the case's CR0, CR3, CR4 and EFER, loaded as the toolstack loads a vCPU context
 * (XEN_DOMCTL_sethvmcontext, Xen checking it as for any toolstack). Its guest frames are the
 * model's (d * 0x10000 + i: the pool), plus the executor's home at HVM_PHYS_BASE, mapped
 * through L4 slot 511 of the case's top-level table with 2 MiB pages (arch/hvm64/).
 */
#define HVM_EXEC_VIRT 0xffffffffc0000000ull
#define HVM_EXEC_PHYS 0x1000000ull
#define HVM_USER_PHYS (HVM_EXEC_PHYS + 0x200000ull)
#define HVM_POOL_VIRT_OFFSET 0x400000ull

static u8 hvm_context[16384];

static long hvm_populate(u16 domid, ulong first, ulong count)
{
    for (ulong i = 0; i < count; i++)
        build_p2m[i] = first + i;
    ulong done = 0;
    while (done < count) {
        struct xen_memory_reservation reservation = {&build_p2m[done], count - done, 0, 0, domid};
        long rc = hypercall2(HC_memory_op, XENMEM_populate_physmap, &reservation);
        if (rc <= 0)
            return rc ? rc : -XEN_ENOMEM;
        done += (ulong)rc;
    }
    return 0;
}

/* Writes a guest page (by guest frame) through the build window. */
static void *map_guest(u16 domid, ulong gfn, long *rc)
{
    return map_build_page(domid, gfn, 0, rc);
}

static long hvm_load_image(u16 domid, const struct kernel_image *image, const struct elf_info *elf, ulong *supervisor_pages)
{
    long rc;
    *supervisor_pages = 0;
    for (unsigned int s = 0; s < elf->segment_count; s++) {
        const struct elf_segment *seg = &elf->segments[s];
        bool user = seg->vaddr >= HVM_EXEC_VIRT + 0x200000ull;
        u64 region_virt = user ? HVM_EXEC_VIRT + 0x200000ull : HVM_EXEC_VIRT;
        ulong region_gfn = (ulong)((user ? HVM_USER_PHYS : HVM_EXEC_PHYS) >> PAGE_SHIFT);
        u64 first = (seg->vaddr - region_virt) >> PAGE_SHIFT;
        u64 last = (seg->vaddr + seg->memsz - region_virt + PAGE_SIZE - 1) >> PAGE_SHIFT;
        if ((rc = hvm_populate(domid, region_gfn + (ulong)first, (ulong)(last - first))))
            return rc;
        for (u64 page = first; page < last; page++) {
            u8 *dst = map_guest(domid, region_gfn + (ulong)page, &rc);
            if (!dst)
                return rc;
            memset(dst, 0, PAGE_SIZE);
            u64 page_va = region_virt + (page << PAGE_SHIFT);
            u64 from = seg->vaddr > page_va ? seg->vaddr : page_va;
            u64 to = seg->vaddr + seg->filesz;
            if (to > page_va + PAGE_SIZE)
                to = page_va + PAGE_SIZE;
            if (from < to)
                memcpy(dst + (from - page_va), image->elf + seg->offset + (from - seg->vaddr), (size_t)(to - from));
            unmap_slot(SLOT_BUILD);
        }
        if (!user && last > *supervisor_pages)
            *supervisor_pages = (ulong)last;
    }
    return 0;
}

static long hvm_set_context(u16 domid, const struct wire_domain *spec, u64 entry, u64 mailbox_va)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_gethvmcontext;
    op.domain = domid;
    op.u.hvmcontext.size = sizeof(hvm_context);
    op.u.hvmcontext.buffer = (u64)(ulong)hvm_context;
    long rc = domctl(&op);
    if (rc)
        return rc;
    u32 size = op.u.hvmcontext.size;
    /* A vCPU that has never run is down, and Xen saves no CPU record for it: add one before the
     * end record (loading it brings the vCPU up, as a toolstack's restore does). */
    struct hvm_hw_cpu *cpu = NULL;
    u32 end_at = size;
    for (u32 at = 0; at + sizeof(struct hvm_save_descriptor) <= size;) {
        struct hvm_save_descriptor *d = (struct hvm_save_descriptor *)(hvm_context + at);
        if (d->typecode == HVM_SAVE_CODE_END) {
            end_at = at;
            break;
        }
        if (d->typecode == HVM_SAVE_CODE_CPU && d->instance == 0 && d->length >= sizeof(*cpu))
            cpu = (struct hvm_hw_cpu *)(d + 1);
        at += (u32)sizeof(*d) + d->length;
    }
    if (!cpu) {
        u32 record = (u32)(sizeof(struct hvm_save_descriptor) + sizeof(struct hvm_hw_cpu));
        if (end_at == size || size + record > sizeof(hvm_context))
            return -XEN_ENOSPC;
        memmove(hvm_context + end_at + record, hvm_context + end_at, size - end_at);
        struct hvm_save_descriptor *d = (struct hvm_save_descriptor *)(hvm_context + end_at);
        *d = (struct hvm_save_descriptor){HVM_SAVE_CODE_CPU, 0, (u32)sizeof(struct hvm_hw_cpu)};
        cpu = (struct hvm_hw_cpu *)(d + 1);
        memset(cpu, 0, sizeof(*cpu));
        cpu->dr6 = 0xffff0ff0u;
        cpu->dr7 = 0x400;
        size += record;
    }
    cpu->rip = entry;
    cpu->rdi = mailbox_va;
    cpu->rflags = 2;
    cpu->cr0 = spec->cr0;
    cpu->cr2 = 0;
    cpu->cr3 = spec->cr3;
    cpu->cr4 = spec->cr4;
    cpu->msr_efer = spec->efer;
    /* 64-bit flat segments (attributes: type, S, DPL, P, AVL, L, D/B, G in bits 0-11). */
    cpu->cs_sel = 0x08;
    cpu->cs_base = 0;
    cpu->cs_limit = 0xffffffffu;
    cpu->cs_arbytes = 0xa9b;
    cpu->ss_sel = cpu->ds_sel = cpu->es_sel = cpu->fs_sel = cpu->gs_sel = 0x10;
    cpu->ss_base = cpu->ds_base = cpu->es_base = cpu->fs_base = cpu->gs_base = 0;
    cpu->ss_limit = cpu->ds_limit = cpu->es_limit = cpu->fs_limit = cpu->gs_limit = 0xffffffffu;
    cpu->ss_arbytes = cpu->ds_arbytes = cpu->es_arbytes = cpu->fs_arbytes = cpu->gs_arbytes = 0xc93;
    /* A busy 64-bit TSS until the executor loads its own (load_tables in hvm.c). */
    cpu->tr_sel = 0;
    cpu->tr_base = 0;
    cpu->tr_limit = 0x67;
    cpu->tr_arbytes = 0x8b;
    cpu->ldtr_sel = 0;
    cpu->ldtr_arbytes = 0;
    cpu->pending_event = 0;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_sethvmcontext;
    op.domain = domid;
    op.u.hvmcontext.size = size;
    op.u.hvmcontext.buffer = (u64)(ulong)hvm_context;
    return domctl(&op);
}

long hvm_build(const struct wire_domain *spec, const struct kernel_image *image, unsigned int mailbox_slot,
               struct domu *domu, const char **why)
{
    struct elf_info elf;
    memset(domu, 0, sizeof(*domu));
    domu->domid = spec->domid;
    domu->type = spec->type;
    domu->vcpus = 1;
    if (!image->elf) {
        *why = "no HVM executor in the boot module";
        return WIRE_RESULT_UNSUPPORTED;
    }
    if ((*why = parse_elf(image, &elf)))
        return WIRE_RESULT_UNSUPPORTED;
    /* Without the executor (a vCPU context it cannot run in), the domain is built as a toolstack
     * would and left paused: Xen's answers are the observation. */
    bool executor = !(spec->flags & WIRE_DOMAIN_FLAG_NO_EXECUTOR);
    ulong pool_first = (ulong)spec->domid * WIRE_MODEL_FRAME_STRIDE;
    ulong top = (ulong)(spec->cr3 >> PAGE_SHIFT);
    if (executor && (!(spec->flags & WIRE_DOMAIN_FLAG_VCPU_CONTEXT) || top < pool_first || top >= pool_first + WIRE_SIZE_POOL_FRAMES)) {
        *why = "the executor starts on a case's long-mode vCPU context, on a CR3 among the domain's frames";
        return WIRE_RESULT_UNSUPPORTED;
    }

    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_createdomain;
    op.domain = spec->domid;
    struct xen_domctl_createdomain *c = &op.u.createdomain;
    c->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c->emulation_flags = XEN_X86_EMU_LAPIC;
    c->max_vcpus = 1;
    c->max_evtchn_port = 1023;
    c->max_grant_frames = spec->max_grant_frames;
    c->max_maptrack_frames = spec->max_maptrack_frames;
    c->grant_opts = grant_version_for(spec);
    long rc;
    *why = "XEN_DOMCTL_createdomain (HVM)";
    if ((rc = domctl(&op)))
        return rc;
    domu->built = true;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_vcpus;
    op.domain = spec->domid;
    op.u.max_vcpus.max = 1;
    *why = "XEN_DOMCTL_max_vcpus";
    if ((rc = domctl(&op)))
        return rc;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_mem;
    op.domain = spec->domid;
    op.u.max_mem.max_memkb = 8192;
    *why = "XEN_DOMCTL_max_mem";
    if ((rc = domctl(&op)))
        return rc;

    if (!executor) {
        *why = "populating the pool";
        if ((rc = hvm_populate(spec->domid, pool_first, WIRE_SIZE_POOL_FRAMES)))
            return rc;
        for (unsigned int i = 0; i < WIRE_SIZE_POOL_FRAMES; i++)
            domu->pool[i] = pool_first + i;
        *why = "XEN_DOMCTL_sethvmcontext (the case's vCPU context)";
        if ((spec->flags & WIRE_DOMAIN_FLAG_VCPU_CONTEXT) && (rc = hvm_set_context(spec->domid, spec, 0, 0)))
            return rc;
        *why = NULL;
        return 0;
    }
    ulong supervisor_pages;
    *why = "loading the HVM executor";
    if ((rc = hvm_load_image(spec->domid, image, &elf, &supervisor_pages)))
        return rc;
    /* After the image: L3 and L2 of slot 511, then the mailbox. */
    ulong l3 = (ulong)(HVM_EXEC_PHYS >> PAGE_SHIFT) + supervisor_pages, l2 = l3 + 1, box = l3 + 2;
    *why = "populating the executor's tables and the pool";
    if ((rc = hvm_populate(spec->domid, l3, 3)) || (rc = hvm_populate(spec->domid, pool_first, WIRE_SIZE_POOL_FRAMES)))
        return rc;
    for (unsigned int i = 0; i < WIRE_SIZE_POOL_FRAMES; i++)
        domu->pool[i] = pool_first + i;
    /* MMUEXT_CLEAR_PAGE takes machine frames: a translated guest's are cleared through mappings. */
    *why = "clearing the pool frames";
    for (unsigned int i = 0; i < WIRE_SIZE_POOL_FRAMES; i++) {
        u8 *frame = map_guest(spec->domid, pool_first + i, &rc);
        if (!frame)
            return rc;
        memset(frame, 0, PAGE_SIZE);
        unmap_slot(SLOT_BUILD);
    }

    *why = "writing the executor's page tables";
    u64 *page = map_guest(spec->domid, l3, &rc);
    if (!page)
        return rc;
    memset(page, 0, PAGE_SIZE);
    page[511] = ((u64)l2 << PAGE_SHIFT) | PTE_P | PTE_RW | PTE_US | PTE_A;
    unmap_slot(SLOT_BUILD);
    page = map_guest(spec->domid, l2, &rc);
    if (!page)
        return rc;
    memset(page, 0, PAGE_SIZE);
    page[0] = HVM_EXEC_PHYS | PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D;
    page[1] = HVM_USER_PHYS | PTE_P | PTE_RW | PTE_US | PTE_PS | PTE_A | PTE_D;
    page[2] = ((u64)pool_first << PAGE_SHIFT) | PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D;
    unmap_slot(SLOT_BUILD);
    *why = "keeping the executor mapped in the case's top-level table";
    page = map_guest(spec->domid, top, &rc);
    if (!page)
        return rc;
    page[511] = ((u64)l3 << PAGE_SHIFT) | PTE_P | PTE_RW | PTE_US | PTE_A;
    unmap_slot(SLOT_BUILD);
    *why = "writing the mailbox";
    struct mailbox *mailbox = (struct mailbox *)map_guest(spec->domid, box, &rc);
    if (!mailbox)
        return rc;
    memset(mailbox, 0, PAGE_SIZE);
    mailbox->magic = MAILBOX_MAGIC;
    mailbox->pool_first_frame = pool_first;
    unmap_slot(SLOT_BUILD);

    u64 mailbox_va = HVM_EXEC_VIRT + ((u64)(box - (HVM_EXEC_PHYS >> PAGE_SHIFT)) << PAGE_SHIFT);
    *why = "XEN_DOMCTL_sethvmcontext (the case's vCPU context)";
    if ((rc = hvm_set_context(spec->domid, spec, elf.header_entry, mailbox_va)))
        return rc;
    *why = "mapping the mailbox";
    if ((rc = map_slot_foreign(mailbox_slot, box, PTE_P | PTE_RW, spec->domid)))
        return rc;
    domu->mailbox = slot_address(mailbox_slot);
    *why = "XEN_DOMCTL_unpausedomain";
    if ((rc = simple_domctl(XEN_DOMCTL_unpausedomain, spec->domid)))
        return rc;
    *why = "waiting for the HVM executor to start";
    for (unsigned long spins = 0; domu->mailbox->vcpu[0].state != MAILBOX_READY; spins++) {
        unsigned int reason;
        if (domu_stopped(spec->domid, &reason) || spins > 2000000)
            return WIRE_RESULT_ABORTED;
        hypercall2(HC_sched_op, SCHEDOP_yield, NULL);
    }
    *why = NULL;
    return 0;
}
