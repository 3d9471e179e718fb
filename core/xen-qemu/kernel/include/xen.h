/*
 * The parts of Xen's public ABI the test kernel uses, written from Xen's public headers
 * (xen/include/public/: xen.h, sched.h, memory.h, grant_table.h, domctl.h, sysctl.h,
 * version.h, callback.h, elfnote.h and the arch-x86 headers). Numbers and layouts are Xen's; names
 * follow Xen's so that each can be checked against the headers. Layouts carry their size
 * in a static assertion.
 */
#ifndef HVABI_XEN_H
#define HVABI_XEN_H

#include "types.h"

/* Hypercall numbers (xen.h). */
enum {
    HC_set_trap_table = 0,
    HC_mmu_update = 1,
    HC_stack_switch = 3,
    HC_set_callbacks = 4,
    HC_memory_op = 12,
    HC_update_va_mapping = 14,
    HC_xen_version = 17,
    HC_console_io = 18,
    HC_grant_table_op = 20,
    HC_vm_assist = 21,
    HC_update_va_mapping_otherdomain = 22,
    HC_iret = 23,
    HC_vcpu_op = 24,
    HC_mmuext_op = 26,
    HC_sched_op = 29,
    HC_callback_op = 30,
    HC_sysctl = 35,
    HC_domctl = 36,
};

/* Xen's errno values (public/errno.h). */
enum {
    XEN_EPERM = 1, XEN_ENOENT = 2, XEN_ESRCH = 3, XEN_EINTR = 4, XEN_EIO = 5, XEN_E2BIG = 7,
    XEN_EBADF = 9, XEN_EAGAIN = 11, XEN_ENOMEM = 12, XEN_EACCES = 13, XEN_EFAULT = 14,
    XEN_EBUSY = 16, XEN_EEXIST = 17, XEN_EXDEV = 18, XEN_ENODEV = 19, XEN_EINVAL = 22,
    XEN_ENOSPC = 28, XEN_ERANGE = 34, XEN_ENOSYS = 38, XEN_EOPNOTSUPP = 95,
};

#define DOMID_SELF 0x7ff0u
#define DOMID_XEN 0x7ff2u
#define DOMID_FIRST_RESERVED 0x7ff0u

/* ---- start of day (xen.h) ---- */
#define SIF_PRIVILEGED (1u << 0)
#define SIF_INITDOMAIN (1u << 1)
#define MAX_GUEST_CMDLINE 1024

struct start_info {
    char magic[32];
    ulong nr_pages;
    ulong shared_info;
    u32 flags;
    ulong store_mfn;
    u32 store_evtchn;
    union {
        struct {
            ulong mfn;
            u32 evtchn;
        } domU;
        struct {
            u32 info_off;
            u32 info_size;
        } dom0;
    } console;
    ulong pt_base;
    ulong nr_pt_frames;
    ulong mfn_list;
    ulong mod_start;
    ulong mod_len;
    char cmd_line[MAX_GUEST_CMDLINE];
    ulong first_p2m_pfn;
    ulong nr_p2m_frames;
};

/* A vCPU's slot of shared_info (vcpu_info[id], for the first XEN_LEGACY_MAX_VCPUS vCPUs): 64
 * bytes on x86, 64-bit and compat alike, CR2 in its arch part. */
#define VCPU_INFO_SIZE 64
struct vcpu_info {
    u8 evtchn_upcall_pending;
    u8 evtchn_upcall_mask;
    ulong evtchn_pending_sel;
    ulong cr2;
};

/* ---- memory management (xen.h) ---- */
#define MMU_NORMAL_PT_UPDATE 0
struct mmu_update {
    u64 ptr;
    u64 val;
};

enum {
    MMUEXT_PIN_L1_TABLE = 0, MMUEXT_PIN_L2_TABLE = 1, MMUEXT_PIN_L3_TABLE = 2,
    MMUEXT_PIN_L4_TABLE = 3, MMUEXT_UNPIN_TABLE = 4, MMUEXT_NEW_BASEPTR = 5,
    MMUEXT_TLB_FLUSH_LOCAL = 6, MMUEXT_INVLPG_LOCAL = 7, MMUEXT_NEW_USER_BASEPTR = 15,
    MMUEXT_CLEAR_PAGE = 16,
};
struct mmuext_op {
    unsigned int cmd;
    union {
        ulong mfn;
        ulong linear_addr;
    } arg1;
    union {
        unsigned int nr_ents;
        ulong src_mfn;
    } arg2;
};

#define UVMF_INVLPG 2ul
#define UVMF_LOCAL 0ul

/* x86 page-table entry bits. */
#define PTE_P 0x001ull
#define PTE_RW 0x002ull
#define PTE_US 0x004ull
#define PTE_A 0x020ull
#define PTE_D 0x040ull
#define PTE_PS 0x080ull
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* ---- traps and callbacks (arch-x86/xen.h, callback.h) ---- */
struct trap_info {
    u8 vector;
    u8 flags; /* bits 0-1: the DPL a software INT needs; bit 2: mask events on entry */
    u16 cs;
    ulong address;
};

#define CALLBACKOP_register 0
enum { CALLBACKTYPE_event = 0, CALLBACKTYPE_failsafe = 1, CALLBACKTYPE_syscall = 2 };
#define CALLBACKF_mask_events 1
struct callback_register {
    u16 type;
    u16 flags;
#if KERNEL_64
    ulong address;
#else
    ulong cs;
    ulong eip;
#endif
};

/* Flat segments Xen provides (arch-x86/xen-x86_64.h, xen-x86_32.h). */
#define FLAT64_KERNEL_CS 0xe033
#define FLAT64_KERNEL_SS 0xe02b
#define FLAT64_USER_CS 0xe033
#define FLAT64_USER_SS 0xe02b
#define FLAT32_KERNEL_CS 0xe019
#define FLAT32_KERNEL_DS 0xe021
#define FLAT32_USER_CS 0xe02b
#define FLAT32_USER_DS 0xe033

/* ---- scheduling and console (sched.h, xen.h) ---- */
enum { SCHEDOP_yield = 0, SCHEDOP_block = 1, SCHEDOP_shutdown = 2 };
enum { SHUTDOWN_poweroff = 0, SHUTDOWN_reboot = 1, SHUTDOWN_crash = 3 };
#define CONSOLEIO_write 0

/* ---- version (version.h) ---- */
enum {
    XENVER_version = 0, XENVER_extraversion = 1, XENVER_compile_info = 2,
    XENVER_capabilities = 3, XENVER_changeset = 4,
};
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};

/* ---- grant tables (grant_table.h) ---- */
enum {
    GNTTABOP_map_grant_ref = 0, GNTTABOP_unmap_grant_ref = 1, GNTTABOP_setup_table = 2,
    GNTTABOP_transfer = 4, GNTTABOP_copy = 5, GNTTABOP_query_size = 6,
    GNTTABOP_set_version = 8, GNTTABOP_get_status_frames = 9, GNTTABOP_get_version = 10,
};
#define GNTMAP_device_map (1u << 0)
#define GNTMAP_host_map (1u << 1)
#define GNTMAP_readonly (1u << 2)
#define GNTMAP_application_map (1u << 3)
#define GNTMAP_contains_pte (1u << 4)
#define GNTCOPY_source_gref (1u << 0)
#define GNTCOPY_dest_gref (1u << 1)

struct gnttab_map_grant_ref {
    u64 host_addr;
    u32 flags;
    u32 ref;
    u16 dom;
    s16 status;
    u32 handle;
    u64 dev_bus_addr;
};
struct gnttab_unmap_grant_ref {
    u64 host_addr;
    u64 dev_bus_addr;
    u32 handle;
    s16 status;
};
struct gnttab_setup_table {
    u16 dom;
    u32 nr_frames;
    s16 status;
    ulong *frame_list;
};
struct gnttab_transfer {
    ulong mfn;
    u16 domid;
    u32 ref;
    s16 status;
};
struct gnttab_copy_ptr {
    union {
        u32 ref;
        ulong gmfn;
    } u;
    u16 domid;
    u16 offset;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source;
    struct gnttab_copy_ptr dest;
    u16 len;
    u16 flags;
    s16 status;
};
struct gnttab_query_size {
    u16 dom;
    u32 nr_frames;
    u32 max_nr_frames;
    s16 status;
};
struct gnttab_set_version {
    u32 version;
};
struct gnttab_get_status_frames {
    u32 nr_frames;
    u16 dom;
    s16 status;
    u64 *frame_list;
};
struct gnttab_get_version {
    u16 dom;
    u16 pad;
    u32 version;
};

struct grant_entry_v1 {
    u16 flags;
    u16 domid;
    u32 frame;
};
union grant_entry_v2 {
    struct {
        u16 flags;
        u16 domid;
    } hdr;
    struct {
        u16 flags;
        u16 domid;
        u32 pad0;
        u64 frame;
    } full_page;
    struct {
        u16 flags;
        u16 domid;
        u16 page_off;
        u16 length;
        u64 frame;
    } sub_page;
    struct {
        u16 flags;
        u16 domid;
        u16 trans_domid;
        u16 pad0;
        u32 gref;
    } transitive;
    u32 raw[4];
};

/* ---- memory reservations (memory.h) ---- */
enum { XENMEM_increase_reservation = 0, XENMEM_decrease_reservation = 1, XENMEM_populate_physmap = 6 };
struct xen_memory_reservation {
    ulong *extent_start;
    ulong nr_extents;
    unsigned int extent_order;
    unsigned int mem_flags;
    u16 domid;
};

#if KERNEL_64
/* ---- toolstack interfaces: only dom0, which is always the 64-bit kernel ---- */

#define XEN_DOMCTL_INTERFACE_VERSION 0x15
#define XEN_SYSCTL_INTERFACE_VERSION 0x15

enum {
    XEN_DOMCTL_createdomain = 1, XEN_DOMCTL_destroydomain = 2, XEN_DOMCTL_unpausedomain = 4,
    XEN_DOMCTL_getdomaininfo = 5, XEN_DOMCTL_max_mem = 11, XEN_DOMCTL_setvcpucontext = 12, XEN_DOMCTL_getvcpucontext = 13,
    XEN_DOMCTL_max_vcpus = 15,
    XEN_DOMCTL_iomem_permission = 20, XEN_DOMCTL_hypercall_init = 22,
    XEN_DOMCTL_gethvmcontext = 33, XEN_DOMCTL_sethvmcontext = 34,
    XEN_DOMCTL_set_address_size = 35, XEN_DOMCTL_getpageframeinfo3 = 61,
};
#define XEN_DOMCTL_CDF_hvm (1u << 0)
#define XEN_DOMCTL_CDF_hap (1u << 1)
#define XEN_X86_EMU_LAPIC (1u << 0)
#define XEN_DOMINF_dying (1u << 0)
#define XEN_DOMINF_shutdown (1u << 2)
#define XEN_DOMINF_shutdownshift 16
#define XEN_DOMCTL_PFINFO_LTAB_SHIFT 28
#define XEN_DOMCTL_PFINFO_LPINTAB (1u << 31)
#define XEN_DOMCTL_PFINFO_LTABTYPE_MASK (0x7u << 28)
#define XEN_DOMCTL_PFINFO_XTAB (0xfu << 28)

struct xen_domctl_createdomain {
    u32 ssidref;
    u8 handle[16];
    u32 flags;
    u32 iommu_opts;
    u32 max_vcpus;
    u32 max_evtchn_port;
    s32 max_grant_frames;
    s32 max_maptrack_frames;
    u32 grant_opts;
    u32 vmtrace_size;
    u32 cpupool_id;
    u32 emulation_flags;
    u32 misc_flags;
};
struct xen_domctl_getdomaininfo {
    u16 domain;
    u16 pad1;
    u32 flags;
    u64 tot_pages;
    u64 max_pages;
    u64 outstanding_pages;
    u64 shr_pages;
    u64 paged_pages;
    u64 shared_info_frame;
    u64 cpu_time;
    u32 nr_online_vcpus;
    u32 max_vcpu_id;
    u32 ssidref;
    u8 handle[16];
    u32 cpupool;
    u8 gpaddr_bits;
    u8 pad2[7];
    u32 emulation_flags;
    u32 misc_flags;
};

struct xen_domctl {
    u32 cmd;
    u32 interface_version;
    u16 domain;
    u16 pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct {
            u64 max_memkb;
        } max_mem;
        struct {
            u32 vcpu;
            u32 pad;
            u64 ctxt;
        } vcpucontext;
        struct {
            u64 gmfn;
        } hypercall_init;
        struct {
            u32 max;
        } max_vcpus;
        struct {
            u32 size;
            u32 pad;
            u64 buffer;
        } hvmcontext;
        struct {
            u32 size;
        } address_size;
        struct {
            u64 num;
            u64 array;
        } getpageframeinfo3;
        struct {
            u64 first_mfn;
            u64 nr_mfns;
            u8 allow_access;
        } iomem_permission;
        u8 pad_to_128[128];
    } u;
};

enum { XEN_SYSCTL_readconsole = 1, XEN_SYSCTL_physinfo = 3, XEN_SYSCTL_debug_keys = 7, XEN_SYSCTL_get_cpu_featureset = 26 };
#define XEN_SYSCTL_PHYSCAP_hvm (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv (1u << 1)
#define XEN_SYSCTL_PHYSCAP_hap (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow (1u << 4)
#define XEN_SYSCTL_PHYSCAP_gnttab_v1 (1u << 8)
#define XEN_SYSCTL_PHYSCAP_gnttab_v2 (1u << 9)

struct xen_sysctl {
    u32 cmd;
    u32 interface_version;
    union {
        struct {
            u32 threads_per_core;
            u32 cores_per_socket;
            u32 nr_cpus;
            u32 max_cpu_id;
            u32 nr_nodes;
            u32 max_node_id;
            u32 cpu_khz;
            u32 capabilities;
            u32 arch_capabilities;
            u32 pad;
            u64 total_pages;
            u64 free_pages;
            u64 scrub_pages;
            u64 outstanding_pages;
            u64 max_mfn;
            u32 hw_cap[8];
        } physinfo;
        struct {
            u32 index;
            u32 nr_features;
            u64 features;
        } cpu_featureset;
        struct {
            u64 keys;
            u32 nr_keys;
        } debug_keys;
        struct {
            u8 clear;
            u8 incremental;
            u8 pad0, pad1;
            u32 index;
            u64 buffer;
            u32 count;
        } readconsole;
        u8 pad_to_128[128];
    } u;
};

/* The 64-bit PV vCPU context (arch-x86/xen-x86_64.h, xen.h), as XEN_DOMCTL_setvcpucontext reads it. */
struct cpu_user_regs64 {
    u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    u32 error_code, entry_vector;
    u64 rip;
    u16 cs, pad0;
    u8 saved_upcall_mask, pad1[3];
    u64 rflags, rsp;
    u16 ss, pad2[3];
    u16 es, pad3[3];
    u16 ds, pad4[3];
    u16 fs, pad5[3];
    u16 gs, pad6[3];
};
struct trap_info64 {
    u8 vector, flags;
    u16 cs;
    u32 pad;
    u64 address;
};
struct vcpu_guest_context64 {
    u8 fpu_ctxt[512];
    u64 flags;
    struct cpu_user_regs64 user_regs;
    struct trap_info64 trap_ctxt[256];
    u64 ldt_base, ldt_ents;
    u64 gdt_frames[16], gdt_ents;
    u64 kernel_ss, kernel_sp;
    u64 ctrlreg[8];
    u64 debugreg[8];
    u64 event_callback_eip, failsafe_callback_eip, syscall_callback_eip;
    u64 vm_assist;
    u64 fs_base, gs_base_kernel, gs_base_user;
};

/* The 32-bit (compat) PV vCPU context (arch-x86/xen-x86_32.h). */
struct cpu_user_regs32 {
    u32 ebx, ecx, edx, esi, edi, ebp, eax;
    u16 error_code, entry_vector;
    u32 eip;
    u16 cs;
    u8 saved_upcall_mask, pad0;
    u32 eflags, esp;
    u16 ss, pad1, es, pad2, ds, pad3, fs, pad4, gs, pad5;
};
struct trap_info32 {
    u8 vector, flags;
    u16 cs;
    u32 address;
};
struct vcpu_guest_context32 {
    u8 fpu_ctxt[512];
    u32 flags;
    struct cpu_user_regs32 user_regs;
    struct trap_info32 trap_ctxt[256];
    u32 ldt_base, ldt_ents;
    u32 gdt_frames[16], gdt_ents;
    u32 kernel_ss, kernel_sp;
    u32 ctrlreg[8];
    u32 debugreg[8];
    u32 event_callback_cs, event_callback_eip, failsafe_callback_cs, failsafe_callback_eip;
    u32 vm_assist;
};
/* An HVM domain's saved state (public/hvm/save.h, arch-x86/hvm/save.h): records, each after a descriptor. */
struct hvm_save_descriptor {
    u16 typecode;
    u16 instance;
    u32 length;
};
#define HVM_SAVE_CODE_END 0
#define HVM_SAVE_CODE_CPU 2
struct hvm_hw_cpu {
    u8 fpu_regs[512];
    u64 rax, rbx, rcx, rdx, rbp, rsi, rdi, rsp, r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rip, rflags;
    u64 cr0, cr2, cr3, cr4;
    u64 dr0, dr1, dr2, dr3, dr6, dr7;
    u32 cs_sel, ds_sel, es_sel, fs_sel, gs_sel, ss_sel, tr_sel, ldtr_sel;
    u32 cs_limit, ds_limit, es_limit, fs_limit, gs_limit, ss_limit, tr_limit, ldtr_limit, idtr_limit, gdtr_limit;
    u64 cs_base, ds_base, es_base, fs_base, gs_base, ss_base, tr_base, ldtr_base, idtr_base, gdtr_base;
    u32 cs_arbytes, ds_arbytes, es_arbytes, fs_arbytes, gs_arbytes, ss_arbytes, tr_arbytes, ldtr_arbytes;
    u64 sysenter_cs, sysenter_esp, sysenter_eip;
    u64 shadow_gs;
    u64 msr_flags, msr_lstar, msr_star, msr_cstar, msr_syscall_mask, msr_efer, msr_tsc_aux;
    u64 tsc;
    u32 pending_event;
    u32 error_code;
    u32 flags;
    u32 pad0;
};
_Static_assert(sizeof(struct hvm_hw_cpu) == 1032, "hvm_hw_cpu");
_Static_assert(__builtin_offsetof(struct hvm_hw_cpu, rip) == 640, "hvm_hw_cpu.rip");
_Static_assert(__builtin_offsetof(struct hvm_hw_cpu, msr_efer) == 992, "hvm_hw_cpu.msr_efer");

#define VGCF_in_kernel (1u << 2)
#define VGCF_online (1u << 5)

_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl is 16 bytes of header and a 128-byte union");
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl is 8 bytes of header and a 128-byte union");
_Static_assert(sizeof(struct cpu_user_regs64) == 200, "cpu_user_regs (x86_64)");
_Static_assert(sizeof(struct vcpu_guest_context64) == 5168, "vcpu_guest_context (x86_64)");
_Static_assert(sizeof(struct cpu_user_regs32) == 68, "cpu_user_regs (x86_32)");
_Static_assert(sizeof(struct vcpu_guest_context32) == 2800, "vcpu_guest_context (x86_32)");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112, "getdomaininfo");
#endif

#if KERNEL_64
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op (x86_64)");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy (x86_64)");
_Static_assert(sizeof(struct gnttab_transfer) == 24, "gnttab_transfer (x86_64)");
_Static_assert(sizeof(struct trap_info) == 16, "trap_info (x86_64)");
#else
_Static_assert(sizeof(struct mmuext_op) == 12, "mmuext_op (x86_32)");
_Static_assert(sizeof(struct gnttab_copy) == 24, "gnttab_copy (x86_32)");
_Static_assert(sizeof(struct trap_info) == 8, "trap_info (x86_32)");
#endif
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref");
_Static_assert(sizeof(union grant_entry_v2) == 16, "grant_entry_v2");

#endif
