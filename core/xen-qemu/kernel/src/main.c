/*
 * The test kernel's entry in C. The same image runs as dom0 (the orchestrator and toolstack,
 * dom0.c) and, built into each domU of a case, as that domU's executor (domu.c) on every vCPU
 * of the domU: vCPU 0 enters kernel_main with start_info, every other vCPU enters
 * secondary_main (head.S tells them apart: the builder starts a secondary vCPU without
 * start_info, its id in the second register).
 */
#include "console.h"
#include "exec.h"
#include "hypercall.h"
#include "mailbox.h"
#include "mm.h"
#include "traps.h"

void dom0_main(void);
NORETURN void domu_main(volatile struct mailbox *mailbox, unsigned int vcpu);

/* Set by vCPU 0 once the domain-wide set-up is done: the others wait for it. */
static volatile struct mailbox *volatile domu_mailbox;

static volatile struct vcpu_info *vcpu_info_of(unsigned int vcpu)
{
    return (volatile struct vcpu_info *)((u8 *)slot_address(SLOT_SHARED_INFO) + vcpu * VCPU_INFO_SIZE);
}

/* What each vCPU sets up for itself (Xen keeps it per vCPU): events masked (this kernel polls),
 * its trap table and ring-transition stack, and (64-bit) its user-mode table. */
static void vcpu_init(unsigned int vcpu)
{
    volatile struct vcpu_info *info = vcpu_info_of(vcpu);
    info->evtchn_upcall_mask = 1;
    traps_init(vcpu, info);
#if KERNEL_64
    /* 64-bit PV user mode runs on a separate table; ours serves until a case installs one. */
    struct mmuext_op user_table = {MMUEXT_NEW_USER_BASEPTR, {mm.top_mfn}, {0}};
    long rc = hypercall4(HC_mmuext_op, &user_table, 1, NULL, DOMID_SELF);
    if (rc)
        fatal("new_user_baseptr", rc);
#endif
}

void kernel_main(struct start_info *start)
{
    mm_init(start);
    /* shared_info: the vCPUs' vcpu_info (events masked: this kernel polls) and CR2 of a #PF. */
    long rc = map_slot(SLOT_SHARED_INFO, (ulong)(start->shared_info >> PAGE_SHIFT), PTE_P | PTE_RW);
    bool dom0 = start->flags & SIF_INITDOMAIN;
    volatile struct mailbox *mailbox = dom0 ? NULL : (volatile struct mailbox *)start->mod_start;
    if (mailbox)
        console_redirect((char *)mailbox->log, sizeof(mailbox->log), &mailbox->log_length);
    if (rc)
        fatal("mapping shared_info", rc);
    vcpu_init(0);
    exec_init();
#if KERNEL_64
    if (dom0)
        dom0_main();
#else
    if (dom0)
        fatal("the 32-bit test kernel runs only as a domU", 0);
#endif
    barrier();
    domu_mailbox = mailbox;
    domu_main(mailbox, 0);
    fatal("kernel_main returned", 0);
}

void secondary_main(unsigned int vcpu)
{
    /* vCPU 0 maps shared_info and the console first; until then, give it the CPU. */
    while (!domu_mailbox)
        hypercall2(HC_sched_op, SCHEDOP_yield, NULL);
    barrier();
    vcpu_init(vcpu);
    domu_main(domu_mailbox, vcpu);
}
