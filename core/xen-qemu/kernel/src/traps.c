#include "traps.h"
#include "console.h"
#include "hypercall.h"
#include "guest.h"
#include "layout.h"

struct trap_record last_trap;
struct jump_buffer *recovery_point;
#if !defined(HVM_EXECUTOR)
/* Each vCPU's vcpu_info (CR2 of a #PF is there). */
static volatile struct vcpu_info *vcpu_infos[WIRE_SIZE_MAX_VCPUS_PER_DOMAIN];
#endif

#if !defined(HVM_EXECUTOR)
#define DECLARE(v) extern char trap_##v[];
DECLARE(0) DECLARE(1) DECLARE(3) DECLARE(4) DECLARE(5) DECLARE(6) DECLARE(7) DECLARE(10)
DECLARE(11) DECLARE(12) DECLARE(13) DECLARE(14) DECLARE(16) DECLARE(17) DECLARE(18) DECLARE(19)
DECLARE(21) DECLARE(128)

#if KERNEL_64
#define KERNEL_CS FLAT64_KERNEL_CS
#define KERNEL_SS FLAT64_KERNEL_SS
#else
#define KERNEL_CS FLAT32_KERNEL_CS
#define KERNEL_SS FLAT32_KERNEL_DS
#endif

/* flags: the DPL a software interrupt needs (3 for the stubs' int $0x80), events stay masked. */
#define ENTRY(v, dpl) {v, dpl, KERNEL_CS, (ulong)trap_##v}
static struct trap_info trap_table[] = {
    ENTRY(0, 0), ENTRY(1, 0), ENTRY(3, 3), ENTRY(4, 3), ENTRY(5, 0), ENTRY(6, 0), ENTRY(7, 0),
    ENTRY(10, 0), ENTRY(11, 0), ENTRY(12, 0), ENTRY(13, 0), ENTRY(14, 0), ENTRY(16, 0),
    ENTRY(17, 0), ENTRY(18, 0), ENTRY(19, 0), ENTRY(21, 0), ENTRY(128, 3), {0, 0, 0, 0},
};

/* The stack Xen switches to when an exception arrives from guest user mode: one per vCPU. */
static u8 trap_stacks[WIRE_SIZE_MAX_VCPUS_PER_DOMAIN][4 * PAGE_SIZE] ALIGNED(PAGE_SIZE);

void traps_init(unsigned int vcpu, volatile struct vcpu_info *info)
{
    if (vcpu >= WIRE_SIZE_MAX_VCPUS_PER_DOMAIN)
        fatal("traps for a vCPU beyond the kernel's", vcpu);
    vcpu_infos[vcpu] = info;
    /* Both are per vCPU in Xen (v->arch.pv.trap_ctxt, kernel_ss/kernel_sp): every vCPU sets its own. */
    long rc = hypercall1(HC_set_trap_table, trap_table);
    if (rc)
        fatal("set_trap_table", rc);
    rc = hypercall2(HC_stack_switch, KERNEL_SS, trap_stacks[vcpu] + sizeof(trap_stacks[vcpu]));
    if (rc)
        fatal("stack_switch", rc);
}
#endif

static ulong fault_address(void)
{
#if defined(HVM_EXECUTOR)
    ulong cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    return cr2;
#else
    /* A PV guest's CR2 is in the vcpu_info of the vCPU that took the #PF: Xen wrote it there
     * before delivering it. Steps run one at a time, on the vCPU guest_vcpu() names. */
    return vcpu_infos[guest_vcpu()]->cr2;
#endif
}

void trap_entry(struct trap_frame *frame)
{
    last_trap.frame = *frame;
    last_trap.cr2 = frame->vector == VECTOR_PF ? fault_address() : 0;
    struct jump_buffer *target = recovery_point;
    if (!target) {
        out_str("F unexpected exception ");
        out_hex(frame->vector);
        out_str(" error ");
        out_hex(frame->error_code);
        out_str(" at ");
        out_hex(frame->ip);
        out_str(" cr2 ");
        out_hex(last_trap.cr2);
        out_char('\n');
        fatal("exception", (s64)frame->vector);
    }
    recovery_point = NULL;
    arch_longjmp(target, 1);
}
