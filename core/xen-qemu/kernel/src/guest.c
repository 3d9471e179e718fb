#include "guest.h"
#include "console.h"
#include "layout.h"
#include "traps.h"
#include "xen.h"

/* The stubs (arch/stubs.inc), in the order of their address tables: one copy runs in kernel mode,
 * one in user mode (the same copy for 64-bit PV, whose kernel already runs in ring 3). */
enum stub {
    STUB_READ, STUB_WRITE, STUB_STAC, STUB_CLAC, STUB_POPF, STUB_WRPKRU, STUB_CPUID, STUB_RDMSR, STUB_WRMSR,
    STUB_READ_CR0, STUB_WRITE_CR0 = STUB_READ_CR0 + 16, STUB_COUNT = STUB_WRITE_CR0 + 16,
};
extern const ulong kernel_stubs[STUB_COUNT], user_stubs[STUB_COUNT];

static ulong stub(enum stub which, bool user)
{
    return (user ? user_stubs : kernel_stubs)[which];
}

#if defined(HVM_EXECUTOR)
#define STUB_KERNEL_CS HVM_KERNEL_CS
#define STUB_USER_CS HVM_USER_CS
#elif KERNEL_64
#define STUB_KERNEL_CS (FLAT64_KERNEL_CS & ~3u) /* RPL 0 in an iret frame: stay in kernel mode */
#define STUB_USER_CS FLAT64_USER_CS
#else
#define STUB_KERNEL_CS FLAT32_KERNEL_CS
#define STUB_USER_CS FLAT32_USER_CS
#endif

/* The stacks the stubs run on, and bytes a single-stepped instruction at a case's address may
 * touch (it runs with rax pointing there: the pool's zeroed bytes decode as `add %al,(%rax)`).
 * The user ones are in user-accessible pages; a kernel-mode fetch gets a supervisor scratch, so
 * that the instruction's own data access is never a user-page access SMAP would refuse. */
static u8 kernel_stub_stack[PAGE_SIZE] ALIGNED(PAGE_SIZE);
static u8 user_stub_stack[PAGE_SIZE] ALIGNED(PAGE_SIZE) __attribute__((section(".user.bss")));
static u8 user_fetch_scratch[64] __attribute__((section(".user.bss")));
static u8 kernel_fetch_scratch[64];

/* Each vCPU as the case sees it: EFLAGS.AC of the context it is in, and whether that is user mode. */
static struct {
    ulong ac;
    bool user;
} vcpus[WIRE_SIZE_MAX_VCPUS_PER_DOMAIN];
static unsigned int running;

void guest_init(void)
{
    /* Every vCPU starts as the builder left it: kernel mode, EFLAGS.AC as this one has it. */
    for (unsigned int i = 0; i < WIRE_SIZE_MAX_VCPUS_PER_DOMAIN; i++) {
        vcpus[i].ac = read_flags() & EFLAGS_AC;
        vcpus[i].user = false;
    }
    running = 0;
}

void guest_set_vcpu(unsigned int id)
{
    if (id >= WIRE_SIZE_MAX_VCPUS_PER_DOMAIN)
        fatal("a step on a vCPU beyond the kernel's", id);
    running = id;
}

unsigned int guest_vcpu(void)
{
    return running;
}

static bool has_error_code(u32 vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

/*
 * Runs one instruction (a stub, or a single-stepped fetch at an address) in kernel or user
 * mode, entered with an iret and left with an exception. ac: 0 clear, 1 set, 2 as the vCPU has
 * it. Returns true when the instruction completed; otherwise the fault is in result.
 */
static bool run_instruction(ulong ip, bool user, bool single_step, u64 ac, ulong rax, ulong rcx, ulong r11,
                            struct step_result *result)
{
    ulong flags = read_flags() & ~(EFLAGS_AC | EFLAGS_TF);
    ulong ac_bit = ac == 2 ? vcpus[running].ac : ac ? EFLAGS_AC : 0;
    struct iret_target target = {
        .ip = ip,
        .sp = (ulong)(user ? user_stub_stack + sizeof(user_stub_stack) : kernel_stub_stack + sizeof(kernel_stub_stack)) - 64,
        .flags = flags | ac_bit | (single_step ? EFLAGS_TF : 0),
        .cs = user ? STUB_USER_CS : STUB_KERNEL_CS,
        .rax = rax,
        .rcx = rcx,
        .r11 = r11,
    };
    struct jump_buffer resume;
    if (arch_setjmp(&resume) == 0) {
        recovery_point = &resume;
        arch_iret(&target);
    }
    const struct trap_frame *frame = &last_trap.frame;
    bool done = frame->vector == VECTOR_STUB_DONE || (single_step && frame->vector == VECTOR_DB);
    if (done) {
        vcpus[running].ac = frame->flags & EFLAGS_AC;
        vcpus[running].user = user;
        result->rc = 0;
    } else {
        vcpus[running].ac = frame->handler_flags & EFLAGS_AC;
        vcpus[running].user = false;
        result->rc = WIRE_RESULT_FAULT;
        result->vector = (u32)frame->vector;
        result->error_code = has_error_code((u32)frame->vector) ? (u32)frame->error_code : 0xffffffffu;
        result->cr2 = last_trap.cr2;
    }
    return done;
}

static void record_mode(struct step_result *result)
{
    result->out[0] = vcpus[running].ac ? 1 : 0;
    result->out[1] = vcpus[running].user ? 1 : 0;
}

static bool cr_stub(u64 cr, enum stub base, bool user, ulong *address)
{
    *address = cr > 15 ? 0 : stub((enum stub)(base + (unsigned int)cr), user);
    return *address != 0;
}

/* The value of a 64-bit MSR as a 32-bit build's iret frame carries it: low in eax, high in edx (r11). */
static void split_value(u64 value, ulong *low, ulong *high)
{
#if KERNEL_64
    *low = (ulong)value;
    *high = 0;
#else
    *low = (ulong)value;
    *high = (ulong)(value >> 32);
#endif
}

static void memory_op(const struct wire_step *step, struct step_result *result)
{
    const u64 *a = step->args;
    u64 offset = step->op == WIRE_OP_READ_U64 || step->op == WIRE_OP_STORE_U64 ? (a[1] & 511) * 8 : a[1];
    u64 length = step->op == WIRE_OP_READ_U64 || step->op == WIRE_OP_STORE_U64 ? 8 : a[2];
    if (offset >= PAGE_SIZE || length > WIRE_SIZE_MEM_BYTES_PER_STEP || offset + length > PAGE_SIZE) {
        result->rc = -XEN_EFAULT;
        return;
    }
    bool write = step->op == WIRE_OP_MEM_WRITE || step->op == WIRE_OP_STORE_U64;
    long rc = 0;
    u8 *page = frame_map((ulong)a[0], write, &rc);
    if (!page) {
        result->rc = rc;
        return;
    }
    switch (step->op) {
    case WIRE_OP_READ_U64:
        /* An entry the kernel injected to stay mapped reads as the case left it: empty. */
        result->out[0] = injected_entry((ulong)a[0], (unsigned int)(offset / 8)) ? 0 : *(volatile u64 *)(page + offset);
        break;
    case WIRE_OP_STORE_U64:
        *(volatile u64 *)(page + offset) = a[2];
        break;
    case WIRE_OP_MEM_WRITE:
        memcpy(page + offset, &a[3], (size_t)length);
        break;
    default:
        memcpy(result->out, page + offset, (size_t)length);
        for (u64 at = offset & ~7ull; at < offset + length; at += 8)
            if (injected_entry((ulong)a[0], (unsigned int)(at / 8)))
                for (u64 byte = at; byte < at + 8; byte++)
                    if (byte >= offset && byte < offset + length)
                        ((u8 *)result->out)[byte - offset] = 0;
        break;
    }
    frame_unmap();
}

bool guest_step(const struct wire_step *step, struct step_result *result)
{
    const u64 *a = step->args;
    bool user = step->flags & WIRE_STEP_FLAG_USER;
    ulong address;
    switch (step->op) {
    case WIRE_OP_MEM_ACCESS:
        if (a[1] == 2) /* fetch: single-step one instruction at the address */
            run_instruction((ulong)a[0], user, true, a[2], (ulong)(user ? user_fetch_scratch : kernel_fetch_scratch), 0, 0, result);
        else
            run_instruction(stub(a[1] ? STUB_WRITE : STUB_READ, user), user, false, a[2], (ulong)a[0], 0, 0, result);
        record_mode(result);
        return true;
    case WIRE_OP_READ_CR:
        if (!cr_stub(a[0], STUB_READ_CR0, user, &address))
            result->rc = WIRE_RESULT_UNSUPPORTED;
        else if (run_instruction(address, user, false, 2, 0, 0, 0, result))
            result->out[0] = last_trap.frame.rax;
        return true;
    case WIRE_OP_WRITE_CR:
        if (!cr_stub(a[0], STUB_WRITE_CR0, user, &address)) {
            result->rc = WIRE_RESULT_UNSUPPORTED;
            return true;
        }
        if (a[0] == 3) {
            long rc = arch_cr3_write_prepare(a[1]);
            if (rc) {
                result->rc = rc;
                return true;
            }
        }
        if (!run_instruction(address, user, false, 2, (ulong)a[1], 0, 0, result) && a[0] == 3)
            arch_cr3_write_failed();
        return true;
    case WIRE_OP_READ_MSR:
        if (run_instruction(stub(STUB_RDMSR, user), user, false, 2, 0, (ulong)a[0], 0, result)) {
#if KERNEL_64
            result->out[0] = last_trap.frame.rax;
#else
            result->out[0] = (u64)last_trap.frame.rax | ((u64)last_trap.frame.rdx << 32);
#endif
        }
        return true;
    case WIRE_OP_WRITE_MSR: {
        ulong low, high;
        split_value(a[1], &low, &high);
        run_instruction(stub(STUB_WRMSR, user), user, false, 2, low, (ulong)a[0], high, result);
        return true;
    }
    case WIRE_OP_CPUID:
        if (run_instruction(stub(STUB_CPUID, false), false, false, 2, (ulong)a[0], (ulong)a[1], 0, result)) {
            result->out[0] = (u32)last_trap.frame.rax;
            result->out[1] = (u32)last_trap.frame.rbx;
            result->out[2] = (u32)last_trap.frame.rcx;
            result->out[3] = (u32)last_trap.frame.rdx;
        }
        return true;
    case WIRE_OP_AC_INSTRUCTION: {
        ulong image = (read_flags() & ~(EFLAGS_AC | EFLAGS_TF)) | (a[1] ? EFLAGS_AC : 0);
        enum stub which = a[0] == 0 ? STUB_STAC : a[0] == 1 ? STUB_CLAC : STUB_POPF;
        run_instruction(stub(which, user), user, false, 2, image, 0, 0, result);
        record_mode(result);
        return true;
    }
    case WIRE_OP_WRPKRU:
        run_instruction(stub(STUB_WRPKRU, user), user, false, 2, (ulong)a[0], 0, 0, result);
        return true;
    case WIRE_OP_READ_AC:
        record_mode(result);
        return true;
    case WIRE_OP_READ_U64:
    case WIRE_OP_STORE_U64:
    case WIRE_OP_MEM_WRITE:
    case WIRE_OP_MEM_READ:
        memory_op(step, result);
        return true;
    default:
        return false;
    }
}
