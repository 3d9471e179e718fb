/* A domU's executor loop, one per vCPU: run the steps dom0 posts to this vCPU, one at a time, forever. */
#include "console.h"
#include "exec.h"
#include "hypercall.h"
#include "mailbox.h"
#include "xen.h"

void domu_main(volatile struct mailbox *mailbox, unsigned int vcpu)
{
    if (mailbox->magic != MAILBOX_MAGIC)
        fatal("no mailbox", 0);
    if (vcpu >= WIRE_SIZE_MAX_VCPUS_PER_DOMAIN)
        fatal("vCPU beyond the mailbox's", vcpu);
    volatile struct mailbox_vcpu *mine = &mailbox->vcpu[vcpu];
    u32 seen = mine->request;
    barrier();
    mine->state = MAILBOX_READY;
    for (;;) {
        while (mine->request == seen)
            hypercall2(HC_sched_op, SCHEDOP_yield, NULL);
        barrier();
        seen = mine->request;
        struct wire_step step = mailbox->step;
        struct step_result result;
        exec_step(vcpu, &step, &result);
        out_flush();
        mailbox->result = result;
        barrier();
        mine->done = seen;
    }
}
