/*
 * The test kernel's entry in C. The same image runs as dom0 (the orchestrator and toolstack,
 * dom0.c) and, built into each domU of a case, as that domU's executor (domu.c).
 */
#include "console.h"
#include "exec.h"
#include "hypercall.h"
#include "mailbox.h"
#include "mm.h"
#include "traps.h"

void dom0_main(void);
NORETURN void domu_main(volatile struct mailbox *mailbox);

void kernel_main(struct start_info *start)
{
    mm_init(start);
    /* shared_info: vcpu_info[0] (events masked: this kernel polls) and CR2 of a #PF. */
    long rc = map_slot(SLOT_SHARED_INFO, (ulong)(start->shared_info >> PAGE_SHIFT), PTE_P | PTE_RW);
    volatile struct vcpu_info *vcpu0 = slot_address(SLOT_SHARED_INFO);
    bool dom0 = start->flags & SIF_INITDOMAIN;
    volatile struct mailbox *mailbox = dom0 ? NULL : (volatile struct mailbox *)start->mod_start;
    if (mailbox)
        console_redirect((char *)mailbox->log, sizeof(mailbox->log), &mailbox->log_length);
    if (rc)
        fatal("mapping shared_info", rc);
    vcpu0->evtchn_upcall_mask = 1;
    traps_init(vcpu0);
#if KERNEL_64
    /* 64-bit PV user mode runs on a separate table; ours serves until a case installs one. */
    struct mmuext_op user_table = {MMUEXT_NEW_USER_BASEPTR, {mm.top_mfn}, {0}};
    rc = hypercall4(HC_mmuext_op, &user_table, 1, NULL, DOMID_SELF);
    if (rc)
        fatal("new_user_baseptr", rc);
#endif
    exec_init();
#if KERNEL_64
    if (dom0)
        dom0_main();
#else
    if (dom0)
        fatal("the 32-bit test kernel runs only as a domU", 0);
#endif
    domu_main(mailbox);
    fatal("kernel_main returned", 0);
}
