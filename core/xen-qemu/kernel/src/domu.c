/* A domU's executor loop: run the steps dom0 posts in the mailbox, one at a time, forever. */
#include "console.h"
#include "exec.h"
#include "hypercall.h"
#include "mailbox.h"
#include "xen.h"

void domu_main(volatile struct mailbox *mailbox)
{
    if (mailbox->magic != MAILBOX_MAGIC)
        fatal("no mailbox", 0);
    u32 seen = mailbox->request;
    barrier();
    mailbox->state = MAILBOX_READY;
    for (;;) {
        while (mailbox->request == seen)
            hypercall2(HC_sched_op, SCHEDOP_yield, NULL);
        barrier();
        seen = mailbox->request;
        struct wire_step step = mailbox->step;
        struct step_result result;
        exec_step(&step, &result);
        out_flush();
        mailbox->result = result;
        barrier();
        mailbox->done = seen;
    }
}
