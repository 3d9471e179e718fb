/*
 * dom0: the orchestrator. Reads the batch of cases from its boot module, prints what it can
 * learn of the hypervisor (the H and B lines), then runs each case: creates the case's domUs,
 * sends every step to the domain it names (running dom0's own steps itself), and prints one
 * R line per case with every step's result. Model frame numbers in arguments are relocated to
 * the real frames that stand for them, and back in results (core/xen-qemu/wire.json).
 * A case that cannot finish (a domU that dies, a domain that cannot be built) gets an X line
 * saying why; the next case runs as if nothing happened.
 */
#include "console.h"
#include "domains.h"
#include "exec.h"
#include "hypercall.h"
#include "mm.h"
#include "probes.h"

/* Model frames of domain d: d * stride + i, i < 256 (spec/data/xen/model.json). */
struct pool {
    bool present;
    u16 domid;
    const ulong *frames;
};

#define MAX_POOLS (WIRE_SIZE_MAX_DOMAINS_PER_CASE + 1)
static struct pool pools[MAX_POOLS];
static ulong dom0_pool[WIRE_SIZE_POOL_FRAMES];
static struct domu domus[WIRE_SIZE_MAX_DOMAINS_PER_CASE];
static struct kernel_image images[3];
static struct step_result case_results[WIRE_SIZE_MAX_STEPS_PER_CASE];
static struct wire_step case_steps[WIRE_SIZE_MAX_STEPS_PER_CASE];

static bool relocate_frame(u64 model, u64 *real)
{
    for (unsigned int p = 0; p < MAX_POOLS; p++) {
        if (!pools[p].present)
            continue;
        u64 base = (u64)pools[p].domid * WIRE_MODEL_FRAME_STRIDE;
        if (model >= base && model < base + WIRE_SIZE_POOL_FRAMES) {
            *real = pools[p].frames[model - base];
            return true;
        }
    }
    if (model >= WIRE_MODEL_MMIO_WINDOW_FIRST && model < WIRE_MODEL_MMIO_WINDOW_FIRST + WIRE_MODEL_MMIO_WINDOW_FRAMES) {
        *real = WIRE_MODEL_REAL_MMIO_FIRST + (model - WIRE_MODEL_MMIO_WINDOW_FIRST);
        return true;
    }
    *real = model;
    return false;
}

static bool unrelocate_frame(u64 real, u64 *model)
{
    for (unsigned int p = 0; p < MAX_POOLS; p++) {
        if (!pools[p].present)
            continue;
        for (unsigned int i = 0; i < WIRE_SIZE_POOL_FRAMES; i++)
            if (pools[p].frames[i] == real) {
                *model = (u64)pools[p].domid * WIRE_MODEL_FRAME_STRIDE + i;
                return true;
            }
    }
    if (real >= WIRE_MODEL_REAL_MMIO_FIRST && real < WIRE_MODEL_REAL_MMIO_FIRST + WIRE_MODEL_MMIO_WINDOW_FRAMES) {
        *model = WIRE_MODEL_MMIO_WINDOW_FIRST + (real - WIRE_MODEL_REAL_MMIO_FIRST);
        return true;
    }
    *model = real;
    return false;
}

#define ADDR_BITS 0x000ffffffffff000ull

static u64 relocate(unsigned int kind, u64 value)
{
    u64 real;
    switch (kind) {
    case WIRE_RELOC_FRAME:
        relocate_frame(value, &real);
        return real;
    case WIRE_RELOC_PTE:
        relocate_frame((value & ADDR_BITS) >> PAGE_SHIFT, &real);
        return (value & ~ADDR_BITS) | ((real << PAGE_SHIFT) & ADDR_BITS);
    case WIRE_RELOC_MADDR:
        relocate_frame(value >> PAGE_SHIFT, &real);
        return (real << PAGE_SHIFT) | (value & (PAGE_SIZE - 1));
    default:
        return value;
    }
}

/* Prints a result value mapped back to model frames; '~' marks a frame no pool holds. */
static void print_output(unsigned int kind, u64 value)
{
    u64 model;
    bool known = true;
    switch (kind) {
    case WIRE_RELOC_FRAME:
        known = unrelocate_frame(value, &model);
        break;
    case WIRE_RELOC_PTE:
        if (!(value & ADDR_BITS) && !(value & 1)) {
            model = value;
            break;
        }
        known = unrelocate_frame((value & ADDR_BITS) >> PAGE_SHIFT, &model);
        model = known ? (value & ~ADDR_BITS) | ((model << PAGE_SHIFT) & ADDR_BITS) : value;
        break;
    case WIRE_RELOC_MADDR:
        known = unrelocate_frame(value >> PAGE_SHIFT, &model);
        model = known ? (model << PAGE_SHIFT) | (value & (PAGE_SIZE - 1)) : value;
        break;
    default:
        model = value;
    }
    if (!known)
        out_char('~');
    out_hex(model);
}

static void print_result(const struct wire_step *step, const struct step_result *result)
{
    out_char(' ');
    out_dec(result->rc);
    if (result->rc == WIRE_RESULT_FAULT) {
        out_char('!');
        out_hex(result->vector);
        out_char(',');
        out_hex(result->error_code);
        out_char(',');
        out_hex(result->cr2);
    }
    unsigned int outputs = step_output_count(step);
    for (unsigned int i = 0; i < outputs; i++) {
        out_char(i ? ',' : ':');
        print_output((step->flags >> (WIRE_RELOC_OUT_SHIFT + 2 * i)) & 3, result->out[i]);
    }
}

static struct domu *domu_of(u16 domid)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(domus); i++)
        if (domus[i].built && domus[i].domid == domid)
            return &domus[i];
    return NULL;
}

static void print_domu_log(const struct domu *domu)
{
    if (!domu || !domu->mailbox)
        return;
    u32 length = domu->mailbox->log_length;
    if (length > sizeof(domu->mailbox->log))
        length = sizeof(domu->mailbox->log);
    for (u32 i = 0; i < length; i++) {
        char c = domu->mailbox->log[i];
        out_char(c == '\n' ? '|' : c);
    }
}

/* Ends the boot after case index's result: the cases after it need another boot (wire.json console "stop"). */
static NORETURN void stop_boot(u32 index, u16 domid, long rc)
{
    out_char(WIRE_LINE_STOP);
    out_str(" case ");
    out_hex(index);
    out_str(" left d");
    out_dec(domid);
    out_str(" behind: destroyed, it did not go away (");
    out_dec(rc);
    out_str("), so its domid cannot be built again in this boot\n");
    out_flush();
    unsigned int reason = SHUTDOWN_reboot;
    hypercall2(HC_sched_op, SCHEDOP_shutdown, &reason);
    fatal("shutdown returned", 0);
}

/*
 * Destroys the case's domUs (index: the case, its result already printed). A domain that does not
 * go away is one whose pages Xen still holds references to (a reference Xen leaked for it, which
 * nothing can drop): the boot ends there, the result stands.
 */
static void teardown(u32 index)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(domus); i++) {
        long rc = domu_kill(&domus[i]);
        if (rc)
            fatal("destroying a domU", rc);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(domus); i++) {
        long rc = domu_wait_gone(&domus[i]);
        if (rc)
            stop_boot(index, domus[i].domid, rc);
    }
    for (unsigned int p = 1; p < MAX_POOLS; p++)
        pools[p].present = false;
}

/*
 * create_domain as a step: the toolstack builds one more domain in the middle of a case.
 * a0: domid | type << 16 | flags << 24 | vcpus << 32 | max_grant_version << 40;
 * a1: max_grant_frames | max_maptrack_frames << 32; a2: raw grant_opts; a3-a6: CR0, CR3, CR4, EFER.
 * rc is Xen's answer at the first stage that failed (out0: the domid).
 */
static void create_domain(const struct wire_step *step, struct step_result *result)
{
    const u64 *a = step->args;
    struct wire_domain spec;
    memset(&spec, 0, sizeof(spec));
    spec.domid = (u16)a[0];
    spec.type = (u8)(a[0] >> 16);
    spec.flags = (u8)(a[0] >> 24);
    spec.vcpus = (u8)(a[0] >> 32);
    spec.max_grant_version = (u8)(a[0] >> 40);
    spec.max_grant_frames = (s32)(u32)a[1];
    spec.max_maptrack_frames = (s32)(u32)(a[1] >> 32);
    spec.reserved1[0] = (u32)a[2];
    spec.cr0 = a[3];
    spec.cr3 = a[4];
    spec.cr4 = a[5];
    spec.efer = a[6];
    unsigned int slot = 0;
    while (slot < ARRAY_SIZE(domus) && domus[slot].built)
        slot++;
    memset(result, 0, sizeof(*result));
    if (slot == ARRAY_SIZE(domus) || spec.type > WIRE_DOMAIN_HVM) {
        result->rc = WIRE_RESULT_UNSUPPORTED;
        return;
    }
    const char *why = NULL;
    long rc = spec.type == WIRE_DOMAIN_HVM ? hvm_build(&spec, &images[spec.type], SLOT_MAILBOX + slot, &domus[slot], &why)
                                           : domu_build(&spec, &images[spec.type], SLOT_MAILBOX + slot, &domus[slot], &why);
    if (domus[slot].built) {
        if (rc) {
            /* A failed creation leaves no domain behind, as a toolstack cleans up. */
            domu_destroy(&domus[slot]);
        } else {
            pools[1 + slot] = (struct pool){true, spec.domid, domus[slot].pool};
        }
    }
    result->rc = rc;
    result->out[0] = spec.domid;
}

static void print_abort_prefix(u32 index, unsigned int completed)
{
    out_char(WIRE_LINE_RESULT);
    out_hex(index);
    for (unsigned int s = 0; s < completed; s++)
        print_result(&case_steps[s], &case_results[s]);
    out_char(' ');
    out_char(WIRE_LINE_CASE_ABORT);
}

/* P<case> d<domid>=<first mfn>:<count>,… : each pool as runs of consecutive frames. */
static void print_pools(u32 index)
{
    out_char(WIRE_LINE_POOLS);
    out_hex(index);
    for (unsigned int p = 0; p < MAX_POOLS; p++) {
        if (!pools[p].present)
            continue;
        out_str(" d");
        out_dec(pools[p].domid);
        out_char('=');
        for (unsigned int i = 0; i < WIRE_SIZE_POOL_FRAMES;) {
            unsigned int run = 1;
            while (i + run < WIRE_SIZE_POOL_FRAMES && pools[p].frames[i + run] == pools[p].frames[i] + run)
                run++;
            if (i)
                out_char(',');
            out_hex(pools[p].frames[i]);
            out_char(':');
            out_hex(run);
            i += run;
        }
    }
    out_char('\n');
}

static void print_marker(u32 index, unsigned int step, bool end)
{
    out_char(WIRE_LINE_MARKER);
    out_hex(index);
    out_char('.');
    out_dec(step);
    if (end)
        out_char('.');
    out_char('\n');
    out_flush();
}

/* Runs one case and prints its R line (results are kept until the end, so that log markers
 * printed between steps never split it). */
static void run_case(const struct wire_case *header, const struct wire_domain *domains, const struct wire_step *steps)
{
    unsigned int created = 0;
    for (unsigned int d = 0; d < header->domain_count; d++) {
        const struct wire_domain *spec = &domains[d];
        if (spec->domid == 0)
            continue; /* dom0 is this kernel */
        const char *why = NULL;
        long rc = spec->type == WIRE_DOMAIN_HVM ? hvm_build(spec, &images[spec->type], SLOT_MAILBOX + created, &domus[created], &why)
                                                : domu_build(spec, &images[spec->type], SLOT_MAILBOX + created, &domus[created], &why);
        if (domus[created].built) {
            pools[1 + created] = (struct pool){true, spec->domid, domus[created].pool};
            created++;
        }
        if (rc) {
            print_abort_prefix(header->index, 0);
            out_str(" build d");
            out_dec(spec->domid);
            out_char(' ');
            out_dec(rc);
            out_char(' ');
            out_str(why ? why : "?");
            out_char(' ');
            print_domu_log(created ? &domus[created - 1] : NULL);
            out_char('\n');
            out_flush();
            teardown(header->index);
            return;
        }
    }
    for (unsigned int s = 0; s < header->step_count; s++) {
        struct wire_step *step = &case_steps[s];
        *step = steps[s];
        for (unsigned int i = 0; i < WIRE_SIZE_STEP_ARGS; i++)
            step->args[i] = relocate((step->flags >> (WIRE_RELOC_ARG_SHIFT + 2 * i)) & 3, step->args[i]);
        struct step_result *result = &case_results[s];
        bool marked = step->flags & WIRE_STEP_FLAG_LOG;
        if (marked)
            print_marker(header->index, s, false);
        if (step->op == WIRE_OP_CRASH_DOM0)
            fatal("crash requested by the case", (s64)header->index);
        if (step->op == WIRE_OP_CREATE_DOMAIN) {
            create_domain(step, result);
        } else if (probes_is_toolstack_op(step->op)) {
            probes_toolstack_op(step, result);
        } else if (step->dom == 0) {
            /* dom0 is this kernel, on one vCPU. */
            if (step->vcpu)
                *result = (struct step_result){.rc = WIRE_RESULT_UNSUPPORTED};
            else
                exec_step(0, step, result);
        } else {
            struct domu *domu = domu_of(step->dom);
            if (!domu) {
                *result = (struct step_result){.rc = WIRE_RESULT_NO_DOMAIN};
            } else if (domu_run_step(domu, step, result)) {
                unsigned int reason = 0;
                domu_stopped(domu->domid, &reason);
                if (marked)
                    print_marker(header->index, s, true);
                print_abort_prefix(header->index, s);
                out_str(" step ");
                out_dec(s);
                out_str(" d");
                out_dec(step->dom);
                out_str(" shutdown ");
                out_dec(reason);
                out_char(' ');
                print_domu_log(domu);
                out_char('\n');
                out_flush();
                teardown(header->index);
                return;
            }
        }
        if (marked)
            print_marker(header->index, s, true);
    }
    out_char(WIRE_LINE_RESULT);
    out_hex(header->index);
    for (unsigned int s = 0; s < header->step_count; s++)
        print_result(&case_steps[s], &case_results[s]);
    out_char('\n');
    if (header->flags & WIRE_CASE_FLAG_PRINT_POOLS)
        print_pools(header->index);
    out_flush();
    teardown(header->index);
    exec_reset();
}

static void choose_dom0_pool(void)
{
    /* The last pages of dom0's allocation lie beyond its start-of-day mappings. */
    if (mm.nr_pages < 2 * WIRE_SIZE_POOL_FRAMES)
        fatal("dom0 has too little memory for a pool", (s64)mm.nr_pages);
    for (unsigned int i = 0; i < WIRE_SIZE_POOL_FRAMES; i++)
        dom0_pool[i] = pfn_to_mfn(mm.nr_pages - WIRE_SIZE_POOL_FRAMES + i);
    /* Not in use until cases may configure domain 0: frames 0..255 stay themselves. */
    pools[0] = (struct pool){false, 0, dom0_pool};
}

void dom0_main(void)
{
    probes_print_header();
    const u8 *module = (const u8 *)mm.start->mod_start;
    ulong module_length = mm.start->mod_len;
    const struct wire_bundle *bundle = (const struct wire_bundle *)module;
    if (!module || module_length < sizeof(*bundle) || memcmp(bundle->magic, WIRE_BUNDLE_MAGIC, 8))
        fatal("no hvabi bundle in the boot module", (s64)module_length);
    if (bundle->version != WIRE_VERSION)
        fatal("bundle version", bundle->version);
    if ((u64)bundle->program_offset + bundle->program_length > module_length ||
        (u64)bundle->pv64_offset + bundle->pv64_length > module_length ||
        (u64)bundle->pv32_offset + bundle->pv32_length > module_length ||
        (u64)bundle->hvm_offset + bundle->hvm_length > module_length)
        fatal("bundle section past the module's end", (s64)module_length);
    images[WIRE_DOMAIN_PV64] = (struct kernel_image){bundle->pv64_length ? module + bundle->pv64_offset : NULL,
                                                     bundle->pv64_length};
    images[WIRE_DOMAIN_PV32] = (struct kernel_image){bundle->pv32_length ? module + bundle->pv32_offset : NULL,
                                                     bundle->pv32_length};
    images[WIRE_DOMAIN_HVM] = (struct kernel_image){bundle->hvm_length ? module + bundle->hvm_offset : NULL,
                                                    bundle->hvm_length};

    const u8 *program = module + bundle->program_offset;
    const u8 *end = program + bundle->program_length;
    const struct wire_program *header = (const struct wire_program *)program;
    if (bundle->program_length < sizeof(*header) || memcmp(header->magic, WIRE_PROGRAM_MAGIC, 8))
        fatal("bad program header", 0);
    choose_dom0_pool();
    probes_run(header->flags);

    const u8 *at = program + sizeof(*header);
    unsigned int completed = 0;
    for (u32 c = 0; c < header->case_count; c++) {
        const struct wire_case *ch = (const struct wire_case *)at;
        if (at + sizeof(*ch) > end || ch->magic != WIRE_CASE_MAGIC)
            fatal("bad case header", c);
        const struct wire_domain *domains = (const struct wire_domain *)(ch + 1);
        const struct wire_step *steps = (const struct wire_step *)(domains + ch->domain_count);
        at = (const u8 *)(steps + ch->step_count);
        if (at > end || ch->domain_count > WIRE_SIZE_MAX_DOMAINS_PER_CASE || ch->step_count > WIRE_SIZE_MAX_STEPS_PER_CASE)
            fatal("case past the program's end", c);
        run_case(ch, domains, steps);
        completed++;
    }
    out_char(WIRE_LINE_END);
    out_char(' ');
    out_dec(completed);
    out_char('\n');
    out_flush();
    unsigned int reason = SHUTDOWN_reboot;
    hypercall2(HC_sched_op, SCHEDOP_shutdown, &reason);
    fatal("shutdown returned", 0);
}
