#include "probes.h"
#include "console.h"
#include "domains.h"
#include "hypercall.h"

static char text[1024];

static void print_version_string(unsigned int cmd, unsigned int size)
{
    memset(text, 0, sizeof(text));
    if (hypercall2(HC_xen_version, cmd, text) >= 0) {
        text[size - 1] = 0;
        out_str(text);
    }
}

void probes_print_header(void)
{
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

void probes_run(u32 program_flags)
{
    out_char(WIRE_LINE_BOOT_PROBE);
    if (program_flags & 1) {
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
    return op == WIRE_OP_PAGE_INFO || op == WIRE_OP_PHYSINFO;
}

void probes_toolstack_op(const struct wire_step *step, struct step_result *result)
{
    memset(result, 0, sizeof(*result));
    if (step->op == WIRE_OP_PAGE_INFO) {
        u64 frame = step->args[1];
        struct xen_domctl op;
        memset(&op, 0, sizeof(op));
        op.cmd = XEN_DOMCTL_getpageframeinfo3;
        op.domain = (u16)step->args[0];
        op.u.getpageframeinfo3.num = 1;
        op.u.getpageframeinfo3.array = (u64)(ulong)&frame;
        result->rc = domctl(&op);
        result->out[0] = frame;
    } else {
        struct xen_sysctl sys;
        memset(&sys, 0, sizeof(sys));
        sys.cmd = XEN_SYSCTL_physinfo;
        result->rc = sysctl(&sys);
        result->out[0] = sys.u.physinfo.capabilities;
    }
}
