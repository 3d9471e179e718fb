/*
 * The HVM executor's C: descriptor tables, the hypercall page, the case's frames through the
 * pool window, keeping itself mapped when the case moves to other page tables, and the loop
 * that runs the steps dom0 posts in the mailbox (as a PV domU does, domu.c).
 */
#include "console.h"
#include "guest.h"
#include "hypercall.h"
#include "layout.h"
#include "mailbox.h"
#include "traps.h"
#include "xen.h"

struct idt_gate {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 offset_middle;
    u32 offset_high;
    u32 reserved;
};

/* Flat 64-bit segments: kernel code 0x08, kernel data 0x10, user code 0x18, user data 0x20, TSS 0x28. */
static u64 gdt[8] ALIGNED(16) = {
    0, 0x00af9b000000ffffull, 0x00cf93000000ffffull, 0x00affb000000ffffull, 0x00cff3000000ffffull, 0, 0, 0,
};
static struct idt_gate idt[256] ALIGNED(16);
static u32 tss[26] ALIGNED(16);
static u8 interrupt_stack[4 * PAGE_SIZE] ALIGNED(PAGE_SIZE);
static volatile struct mailbox *mailbox;

#define DECLARE(v) extern char trap_##v[];
DECLARE(0) DECLARE(1) DECLARE(2) DECLARE(3) DECLARE(4) DECLARE(5) DECLARE(6) DECLARE(7) DECLARE(8) DECLARE(10)
DECLARE(11) DECLARE(12) DECLARE(13) DECLARE(14) DECLARE(16) DECLARE(17) DECLARE(18) DECLARE(19) DECLARE(21)
DECLARE(128)

static void set_gate(unsigned int vector, const void *handler, unsigned int dpl)
{
    ulong address = (ulong)handler;
    idt[vector] = (struct idt_gate){(u16)address, HVM_KERNEL_CS, 0, (u8)(0x8e | (dpl << 5)), (u16)(address >> 16),
                                    (u32)(address >> 32), 0};
}

static void load_tables(void)
{
    ulong top = (ulong)interrupt_stack + sizeof(interrupt_stack);
    tss[1] = (u32)top; /* rsp0: the stack an exception from ring 3 lands on */
    tss[2] = (u32)(top >> 32);
    tss[25] = sizeof(tss) << 16; /* I/O bitmap base past the end: no I/O bitmap */
    ulong base = (ulong)tss;
    gdt[5] = (sizeof(tss) - 1) | ((base & 0xffffff) << 16) | (0x89ull << 40) | ((base >> 24 & 0xff) << 56);
    gdt[6] = base >> 32;
    set_gate(0, trap_0, 0);
    set_gate(1, trap_1, 0);
    set_gate(2, trap_2, 0);
    set_gate(3, trap_3, 3);
    set_gate(4, trap_4, 3);
    set_gate(5, trap_5, 0);
    set_gate(6, trap_6, 0);
    set_gate(7, trap_7, 0);
    set_gate(8, trap_8, 0);
    set_gate(10, trap_10, 0);
    set_gate(11, trap_11, 0);
    set_gate(12, trap_12, 0);
    set_gate(13, trap_13, 0);
    set_gate(14, trap_14, 0);
    set_gate(16, trap_16, 0);
    set_gate(17, trap_17, 0);
    set_gate(18, trap_18, 0);
    set_gate(19, trap_19, 0);
    set_gate(21, trap_21, 0);
    set_gate(128, trap_128, 3);
    struct {
        u16 limit;
        u64 base;
    } __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (ulong)gdt}, idtr = {sizeof(idt) - 1, (ulong)idt};
    __asm__ volatile("lgdt %0; lidt %1; ltr %w2" ::"m"(gdtr), "m"(idtr), "r"(HVM_TSS) : "memory");
}

/* The hypercall page: Xen writes it when told its guest-physical address through its MSR (CPUID 0x40000x02). */
static void init_hypercall_page(void)
{
    u32 regs[4];
    for (u32 base = 0x40000000u; base < 0x40010000u; base += 0x100) {
        __asm__ volatile("cpuid" : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3]) : "a"(base), "c"(0));
        if (regs[1] == 0x566e6558u && regs[2] == 0x65584d4du && regs[3] == 0x4d4d566eu) { /* "XenVMMXenVMM" */
            __asm__ volatile("cpuid" : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3]) : "a"(base + 2), "c"(0));
            u64 physical = (ulong)hypercall_page - KERNEL_VIRT_BASE + HVM_PHYS_BASE;
            __asm__ volatile("wrmsr" ::"c"(regs[1]), "a"((u32)physical), "d"((u32)(physical >> 32)) : "memory");
            return;
        }
    }
    fatal("no Xen CPUID leaves", 0);
}

/* ---- the HVM build's hooks for guest.c ---- */

static u64 pool_first(void)
{
    return mailbox->pool_first_frame;
}

void *frame_map(ulong frame, bool writable, long *rc)
{
    (void)writable;
    if (frame < pool_first() || frame >= pool_first() + WIRE_SIZE_POOL_FRAMES) {
        *rc = -XEN_EFAULT;
        return NULL;
    }
    return (void *)(KERNEL_VIRT_BASE + HVM_POOL_OFFSET + ((frame - pool_first()) << PAGE_SHIFT));
}

void frame_unmap(void)
{
}

static u64 injected_at;
/* The case's first top-level table: the builder put our L4 slot in it. */
static ulong first_top;

bool injected_entry(ulong frame, unsigned int index)
{
    if (index != KERNEL_TOP_SLOT)
        return false;
    if (frame == first_top)
        return true;
    long rc;
    volatile u64 *table = frame_map(frame, false, &rc);
    return table && injected_at == (ulong)&table[KERNEL_TOP_SLOT];
}

/* A case moving CR3 to another table of its own: copy our L4 slot into it first. */
long arch_cr3_write_prepare(u64 value)
{
    injected_at = 0;
    u64 current;
    __asm__ volatile("mov %%cr3, %0" : "=r"(current));
    long rc;
    volatile u64 *old_top = frame_map((ulong)(current >> PAGE_SHIFT), false, &rc);
    volatile u64 *new_top = frame_map((ulong)((value & PTE_ADDR_MASK) >> PAGE_SHIFT), true, &rc);
    if (!old_top || !new_top)
        return 0; /* not a table of the case's frames: the move goes ahead as the case asked */
    u64 ours = old_top[KERNEL_TOP_SLOT];
    u64 theirs = new_top[KERNEL_TOP_SLOT];
    if (theirs & PTE_P)
        return (theirs & PTE_ADDR_MASK) == (ours & PTE_ADDR_MASK) ? 0 : WIRE_RESULT_INJECTION_CONFLICT;
    new_top[KERNEL_TOP_SLOT] = ours;
    injected_at = (ulong)&new_top[KERNEL_TOP_SLOT];
    return 0;
}

void arch_cr3_write_failed(void)
{
    if (injected_at)
        *(volatile u64 *)injected_at = 0;
    injected_at = 0;
}

void hvm_main(volatile struct mailbox *box)
{
    mailbox = box;
    u64 cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    first_top = (ulong)((cr3 & PTE_ADDR_MASK) >> PAGE_SHIFT);
    console_redirect((char *)box->log, sizeof(box->log), &box->log_length);
    /*
     * The vCPU starts with the case's CR4 loaded from the toolstack's CPU record, a path on which
     * Xen never adds PKRU to what it context-switches (only a guest's own MOV to CR4 with PKE
     * does: xen/arch/x86/hvm/hvm.c:2513-2531 hvm_set_cr4()); such a vCPU would run with whatever
     * PKRU the last guest on the pCPU left. Writing CR4 back once, as a guest enabling PKE
     * itself does, gives it a PKRU of its own, starting at 0 (docs/real-xen.md, triage).
     */
    u64 cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    if (cr4 & (1ull << 22)) /* CR4.PKE */
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
    load_tables();
    init_hypercall_page();
    guest_init();
    /* One vCPU: the executor serves vCPU 0's counters. */
    volatile struct mailbox_vcpu *mine = &box->vcpu[0];
    u32 seen = mine->request;
    barrier();
    mine->state = MAILBOX_READY;
    for (;;) {
        while (mine->request == seen)
            hypercall2(HC_sched_op, SCHEDOP_yield, NULL);
        barrier();
        seen = mine->request;
        struct wire_step step = box->step;
        struct step_result result;
        memset(&result, 0, sizeof(result));
        if (!guest_step(&step, &result))
            result.rc = WIRE_RESULT_UNSUPPORTED;
        out_flush();
        box->result = result;
        barrier();
        mine->done = seen;
    }
}
