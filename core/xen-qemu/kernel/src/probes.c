#include "probes.h"
#include "console.h"
#include "domains.h"
#include "arch.h"
#include "hypercall.h"
#include "mm.h"

static char text[1024];

static void print_version_string(unsigned int cmd, unsigned int size)
{
    memset(text, 0, sizeof(text));
    if (hypercall2(HC_xen_version, cmd, text) >= 0) {
        text[size - 1] = 0;
        out_str(text);
    }
}

/*
 * Xen parses its command line before its console is up (xen/arch/x86/setup.c: cmdline_parse()
 * before console_init_preirq()), so what the parser prints reaches only the console ring, not
 * the serial line. dom0 reads the ring (XEN_SYSCTL_readconsole, what `xl dmesg` shows) and
 * prints, one C line each, the lines that came before the first one the serial line carried.
 */
static char ring[32768];

static void print_early_console(void)
{
    struct xen_sysctl sys;
    memset(&sys, 0, sizeof(sys));
    sys.cmd = XEN_SYSCTL_readconsole;
    sys.u.readconsole.buffer = (u64)(ulong)ring;
    sys.u.readconsole.count = sizeof(ring) - 1;
    if (sysctl(&sys))
        return;
    u32 length = sys.u.readconsole.count;
    ring[length] = 0;
    static const char first_serial[] = "Xen version ";
    u32 start = 0;
    for (u32 at = 0; at < length; at++) {
        if (ring[at] != '\n' && at + 1 < length)
            continue;
        u32 end = ring[at] == '\n' ? at : at + 1;
        const char *line = ring + start;
        u32 size = end - start;
        const char *text = size >= 6 && !memcmp(line, "(XEN) ", 6) ? line + 6 : line;
        if (!memcmp(text, first_serial, sizeof(first_serial) - 1))
            return;
        if (size) {
            out_char(WIRE_LINE_EARLY_LOG);
            out_char(' ');
            for (const char *c = text; c < line + size; c++)
                out_char(*c);
            out_char('\n');
        }
        start = at + 1;
    }
}

void probes_print_header(void)
{
    print_early_console();
    long version = hypercall2(HC_xen_version, XENVER_version, NULL);
    out_char(WIRE_LINE_HEADER);
    out_str(" version=");
    out_dec(version >> 16);
    out_char('.');
    out_dec(version & 0xffff);
    print_version_string(XENVER_extraversion, 16);
    out_str("|caps=");
    print_version_string(XENVER_capabilities, 1024);
    out_str("|changeset=");
    print_version_string(XENVER_changeset, 64);
    out_char('\n');
    out_flush();
}

/* The highest grant-table version XEN_DOMCTL_createdomain accepts (grant_opts). */
#define PROBE_DOMID 1000
static int probe_max_grant_version(void)
{
    int highest = 0;
    for (unsigned int version = 1; version <= 15; version++) {
        struct xen_domctl op;
        memset(&op, 0, sizeof(op));
        op.cmd = XEN_DOMCTL_createdomain;
        op.domain = PROBE_DOMID;
        op.u.createdomain.max_vcpus = 1;
        op.u.createdomain.max_evtchn_port = 1;
        op.u.createdomain.max_grant_frames = 1;
        op.u.createdomain.max_maptrack_frames = 1;
        op.u.createdomain.grant_opts = version;
        if (domctl(&op))
            break;
        highest = (int)version;
        struct domu scratch;
        memset(&scratch, 0, sizeof(scratch));
        scratch.domid = PROBE_DOMID;
        scratch.built = true;
        long rc = domu_destroy(&scratch);
        if (rc)
            fatal("destroying a probe domain", rc);
    }
    return highest;
}

/* XEN_SYSCTL_get_cpu_featureset: the CPU as Xen found it (raw) and as it uses it (host). */
static void print_featureset(const char *name, u32 index)
{
    u32 words[32];
    struct xen_sysctl sys;
    memset(&sys, 0, sizeof(sys));
    sys.cmd = XEN_SYSCTL_get_cpu_featureset;
    sys.u.cpu_featureset.index = index;
    sys.u.cpu_featureset.nr_features = ARRAY_SIZE(words);
    sys.u.cpu_featureset.features = (u64)(ulong)words;
    if (sysctl(&sys))
        return;
    out_str(" featureset.");
    out_str(name);
    out_char('=');
    for (u32 i = 0; i < sys.u.cpu_featureset.nr_features && i < ARRAY_SIZE(words); i++) {
        if (i)
            out_char(',');
        out_hex(words[i]);
    }
}

/* Can a 32-bit PV domain be made (CONFIG_PV32 and opt_pv32, after CET and the command line)? */
static int probe_pv32(void)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_createdomain;
    op.domain = PROBE_DOMID;
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.max_evtchn_port = 1;
    op.u.createdomain.max_grant_frames = 1;
    op.u.createdomain.max_maptrack_frames = 1;
    op.u.createdomain.grant_opts = 1;
    if (domctl(&op))
        return -1;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_set_address_size;
    op.domain = PROBE_DOMID;
    op.u.address_size.size = 32;
    long rc = domctl(&op);
    struct domu scratch;
    memset(&scratch, 0, sizeof(scratch));
    scratch.domid = PROBE_DOMID;
    scratch.built = true;
    long destroyed = domu_destroy(&scratch);
    if (destroyed)
        fatal("destroying a probe domain", destroyed);
    return rc == 0;
}

/* Xen's register dump while it runs dom0 (debug key 'd'), between a D line and a D. line. */
static void dump_registers(void)
{
    static const char key[] = "d";
    out_char(WIRE_LINE_REGISTER_DUMP);
    out_char('\n');
    out_flush();
    struct xen_sysctl sys;
    memset(&sys, 0, sizeof(sys));
    sys.cmd = XEN_SYSCTL_debug_keys;
    sys.u.debug_keys.keys = (u64)(ulong)key;
    sys.u.debug_keys.nr_keys = 1;
    sysctl(&sys);
    out_char(WIRE_LINE_REGISTER_DUMP);
    out_str(".\n");
    out_flush();
}

void probes_run(u32 program_flags)
{
    if (program_flags & WIRE_PROGRAM_FLAG_DUMP_REGISTERS)
        dump_registers();
    out_char(WIRE_LINE_BOOT_PROBE);
    print_featureset("raw", 0);
    print_featureset("host", 1);
    print_featureset("hvm_max", 5);
    if (program_flags & WIRE_PROGRAM_FLAG_PROBE_PV32) {
        out_str(" pv32=");
        out_dec(probe_pv32());
    }
    /* CPUID 0x80000008: the physical address width (a PV guest sees the host's). */
    u32 regs[4];
    xen_cpuid(0x80000008u, 0, regs);
    out_str(" cpu.paddrBits=");
    out_dec(regs[0] & 0xff);
    if (program_flags & WIRE_PROGRAM_FLAG_PROBE_GRANT_TABLES) {
        out_str(" gnttab.maxVersion=");
        out_dec(probe_max_grant_version());
    }
    struct xen_sysctl sys;
    memset(&sys, 0, sizeof(sys));
    sys.cmd = XEN_SYSCTL_physinfo;
    if (!sysctl(&sys)) {
        out_str(" physinfo.capabilities=");
        out_hex(sys.u.physinfo.capabilities);
    }
    out_char('\n');
    out_flush();
}

bool probes_is_toolstack_op(unsigned int op)
{
    return op == WIRE_OP_PAGE_INFO || op == WIRE_OP_PHYSINFO || op == WIRE_OP_DOMAIN_INFO || op == WIRE_OP_TYPE_INFO ||
           op == WIRE_OP_VCPU_CTRLREG;
}

/*
 * One control register of a 64-bit PV vCPU as a toolstack reads it (XEN_DOMCTL_getvcpucontext):
 * ctrlreg[1] is the user-mode base pointer, ctrlreg[3] the kernel's, both as CR3 values.
 */
static struct vcpu_guest_context64 read_context;

static void vcpu_ctrlreg_op(const struct wire_step *step, struct step_result *result)
{
    unsigned int index = (unsigned int)step->args[2];
    if (index >= 8) {
        result->rc = WIRE_RESULT_UNSUPPORTED;
        return;
    }
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    memset(&read_context, 0, sizeof(read_context));
    op.cmd = XEN_DOMCTL_getvcpucontext;
    op.domain = (u16)step->args[0];
    op.u.vcpucontext.vcpu = (u32)step->args[1];
    op.u.vcpucontext.ctxt = (u64)(ulong)&read_context;
    result->rc = domctl(&op);
    result->out[0] = read_context.ctrlreg[index];
}

/* ---- a frame's type_info, in Xen's own words ---- */

/* One readconsole call from index (incremental) or from the ring's oldest byte; the bytes read. */
static u32 read_ring(bool incremental, u32 *index)
{
    struct xen_sysctl sys;
    memset(&sys, 0, sizeof(sys));
    sys.cmd = XEN_SYSCTL_readconsole;
    sys.u.readconsole.incremental = incremental;
    sys.u.readconsole.index = *index;
    sys.u.readconsole.buffer = (u64)(ulong)ring;
    sys.u.readconsole.count = sizeof(ring) - 1;
    if (sysctl(&sys))
        return 0;
    *index = sys.u.readconsole.index;
    ring[sys.u.readconsole.count] = 0;
    return sys.u.readconsole.count;
}

/* Where the console ring's next byte will go: what was there before is read past. */
static u32 ring_end(void)
{
    u32 index = 0;
    bool incremental = false;
    while (read_ring(incremental, &index) == sizeof(ring) - 1)
        incremental = true;
    return index;
}

static bool parse_hex(const char **at, u64 *value)
{
    const char *c = *at;
    u64 v = 0;
    unsigned int digits = 0;
    for (;; c++, digits++) {
        unsigned int d;
        if (*c >= '0' && *c <= '9')
            d = (unsigned int)(*c - '0');
        else if (*c >= 'a' && *c <= 'f')
            d = (unsigned int)(*c - 'a' + 10);
        else
            break;
        if (digits == 16)
            return false;
        v = (v << 4) | d;
    }
    *at = c;
    *value = v;
    return digits > 0;
}

static const char *find(const char *text, const char *word)
{
    for (; *text; text++) {
        const char *a = text, *b = word;
        while (*b && *a == *b)
            a++, b++;
        if (!*b)
            return text;
    }
    return NULL;
}

/*
 * The last "Bad type (saw T != exp E) for mfn M" since index for this mfn (xen/arch/x86/mm.c,
 * _get_page_type(), printed with gdprintk: debug builds only); T is the frame's type_info.
 */
static bool bad_type_since(u32 index, ulong mfn, u64 *type_info)
{
    static const char lead[] = "Bad type (saw ";
    static const char tail[] = " for mfn ";
    bool found = false;
    bool incremental = true;
    while (read_ring(incremental, &index)) {
        for (const char *at = find(ring, lead); at; at = find(at, lead)) {
            at += sizeof(lead) - 1;
            u64 saw, frame;
            const char *m = find(at, tail);
            if (!parse_hex(&at, &saw) || !m)
                continue;
            m += sizeof(tail) - 1;
            if (parse_hex(&m, &frame) && frame == mfn) {
                *type_info = saw;
                found = true;
            }
        }
    }
    return found;
}

/*
 * No hypercall reports a frame's type reference count, nor tells an untyped frame from one
 * mapped writable; Xen's debug build says both when a type reference of the wrong kind is
 * refused. So: ask for a writable mapping of the frame in dom0's scratch slot. A page-table
 * frame (it has type references) refuses it, and Xen prints its type_info. Otherwise the
 * mapping holds one writable reference for a moment, and pinning the frame as an L1 is
 * refused the same way; the mapping is then dropped. Nothing the case set is changed: a
 * refused reference leaves the frame as it was, and the writable reference is given back.
 * out0: type_info as Xen printed it; out1: 1 when it includes our writable reference.
 */
static void type_info_op(const struct wire_step *step, struct step_result *result)
{
    u16 domid = (u16)step->args[0];
    ulong mfn = (ulong)step->args[1];
    u32 cursor = ring_end();
    long rc = domid == 0 ? map_slot(SLOT_TEMP, mfn, PTE_P | PTE_RW)
                         : map_slot_foreign(SLOT_TEMP, mfn, PTE_P | PTE_RW, domid);
    bool held = rc == 0;
    if (held) {
        struct mmuext_op op;
        memset(&op, 0, sizeof(op));
        op.cmd = MMUEXT_PIN_L1_TABLE;
        op.arg1.mfn = mfn;
        rc = hypercall4(HC_mmuext_op, &op, 1, NULL, domid == 0 ? DOMID_SELF : domid);
        unmap_slot(SLOT_TEMP);
        if (rc == 0) {
            /* Cannot happen while the writable reference is held; undo rather than leave a pin. */
            op.cmd = MMUEXT_UNPIN_TABLE;
            hypercall4(HC_mmuext_op, &op, 1, NULL, domid == 0 ? DOMID_SELF : domid);
            result->rc = WIRE_RESULT_ABORTED;
            return;
        }
    }
    u64 type_info;
    if (!bad_type_since(cursor, mfn, &type_info)) {
        /* A release build prints nothing; a refusal for another reason has no type to show. */
        result->rc = held ? WIRE_RESULT_UNSUPPORTED : rc;
        return;
    }
    result->out[0] = type_info;
    result->out[1] = held;
}

void probes_toolstack_op(const struct wire_step *step, struct step_result *result)
{
    memset(result, 0, sizeof(*result));
    if (step->op == WIRE_OP_TYPE_INFO) {
        type_info_op(step, result);
    } else if (step->op == WIRE_OP_VCPU_CTRLREG) {
        vcpu_ctrlreg_op(step, result);
    } else if (step->op == WIRE_OP_PAGE_INFO) {
        u64 frame = step->args[1];
        struct xen_domctl op;
        memset(&op, 0, sizeof(op));
        op.cmd = XEN_DOMCTL_getpageframeinfo3;
        op.domain = (u16)step->args[0];
        op.u.getpageframeinfo3.num = 1;
        op.u.getpageframeinfo3.array = (u64)(ulong)&frame;
        result->rc = domctl(&op);
        result->out[0] = frame;
    } else if (step->op == WIRE_OP_DOMAIN_INFO) {
        /* getdomaininfo answers with the next domain up when the one asked for is missing. */
        struct xen_domctl op;
        memset(&op, 0, sizeof(op));
        op.cmd = XEN_DOMCTL_getdomaininfo;
        op.domain = (u16)step->args[0];
        bool found = !domctl(&op) && op.u.getdomaininfo.domain == op.domain;
        result->out[0] = found;
        result->out[1] = found ? op.u.getdomaininfo.flags : 0;
    } else {
        struct xen_sysctl sys;
        memset(&sys, 0, sizeof(sys));
        sys.cmd = XEN_SYSCTL_physinfo;
        result->rc = sysctl(&sys);
        result->out[0] = sys.u.physinfo.capabilities;
    }
}
