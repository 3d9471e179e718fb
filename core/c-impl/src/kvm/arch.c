#include "arch.h"

#include "area.h"
#include "bits.h"

/* CR4 bits KVM reserves unless the guest's CPUID has the feature. */
static const struct {
    uint64_t bit;
    enum cpu_feature feature;
    /* A second feature that also enables the bit (CET: shadow stacks or IBT). */
    int or_feature;
} cr4_cpuid_bits[] = {
    { CR4_OSXSAVE, FEATURE_XSAVE, -1 }, { CR4_SMEP, FEATURE_SMEP, -1 },     { CR4_SMAP, FEATURE_SMAP, -1 },
    { CR4_FSGSBASE, FEATURE_FSGSBASE, -1 }, { CR4_PKE, FEATURE_PKU, -1 },   { CR4_LA57, FEATURE_LA57, -1 },
    { CR4_UMIP, FEATURE_UMIP, -1 },         { CR4_VMXE, FEATURE_VMX, -1 },  { CR4_PCIDE, FEATURE_PCID, -1 },
    { CR4_LAM_SUP, FEATURE_LAM, -1 },       { CR4_CET, FEATURE_CET_SS, FEATURE_CET_IBT },
    { CR4_FRED, FEATURE_FRED, -1 },
};

bool kvm_cr4_bits_valid(const struct kvm_machine *machine, uint64_t cr4)
{
    if (cr4 & ~CR4_KNOWN)
        return false;
    for (size_t i = 0; i < sizeof cr4_cpuid_bits / sizeof cr4_cpuid_bits[0]; i++) {
        if (!(cr4 & cr4_cpuid_bits[i].bit))
            continue;
        bool offered = machine->cpu.has[cr4_cpuid_bits[i].feature] ||
                       (cr4_cpuid_bits[i].or_feature >= 0 && machine->cpu.has[cr4_cpuid_bits[i].or_feature]);
        if (!offered)
            return false;
    }
    return true;
}

bool kvm_efer_bits_valid(const struct kvm_machine *machine, uint64_t efer)
{
    if (efer & ~EFER_KNOWN)
        return false;
    if ((efer & (EFER_LME | EFER_LMA)) && !machine->cpu.has[FEATURE_LM])
        return false;
    if ((efer & EFER_NXE) && !machine->cpu.has[FEATURE_NX])
        return false;
    return true;
}

bool kvm_long_mode_active(const struct kvm_vcpu *vcpu)
{
    return vcpu->efer & EFER_LMA;
}

bool kvm_in_64bit_mode(const struct kvm_vcpu *vcpu)
{
    return kvm_long_mode_active(vcpu) && vcpu->cs64;
}

uint64_t kvm_mov_operand(const struct kvm_vcpu *vcpu, uint64_t value)
{
    return kvm_in_64bit_mode(vcpu) ? value : value & UINT64_C(0xffffffff);
}

static bool refused_by_areas(struct kvm_machine *machine, struct kvm_vcpu *vcpu, int cr, uint64_t value)
{
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        if (kvm_areas[slot]->cr_write_refused != NULL &&
            kvm_areas[slot]->cr_write_refused(machine, vcpu, cr, value))
            return true;
    return false;
}

bool kvm_set_cr0(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t value)
{
    if (value >> 32)
        return false;
    /* ET is forced on and the undefined bits of 31:0 are dropped before anything looks at the value. */
    uint64_t cr0 = (value | CR0_ET) & CR0_DEFINED;
    if ((cr0 & CR0_NW) && !(cr0 & CR0_CD))
        return false;
    if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
        return false;
    if (refused_by_areas(machine, vcpu, 0, cr0))
        return false;
    uint64_t old = vcpu->cr0;
    bool enabling_paging = !(old & CR0_PG) && (cr0 & CR0_PG);
    if (enabling_paging && (vcpu->efer & EFER_LME) && (!(vcpu->cr4 & CR4_PAE) || vcpu->cs64))
        return false;
    if (!(cr0 & CR0_PG) && (kvm_in_64bit_mode(vcpu) || (vcpu->cr4 & CR4_PCIDE)))
        return false;
    if (!(cr0 & CR0_WP) && (vcpu->cr4 & CR4_CET))
        return false;
    vcpu->cr0 = cr0;
    /* With EFER.LME, long mode becomes active and inactive with paging. */
    if ((vcpu->efer & EFER_LME) && ((old ^ cr0) & CR0_PG)) {
        if (cr0 & CR0_PG)
            vcpu->efer |= EFER_LMA;
        else
            vcpu->efer &= ~EFER_LMA;
    }
    return true;
}

bool kvm_set_cr3(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t value)
{
    (void)machine;
    /* The model has no guest page tables: every CR3 loads. */
    vcpu->cr3 = value;
    return true;
}

bool kvm_set_cr4(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t value)
{
    if (!kvm_cr4_bits_valid(machine, value))
        return false;
    if (refused_by_areas(machine, vcpu, 4, value))
        return false;
    uint64_t old = vcpu->cr4;
    if (kvm_long_mode_active(vcpu) && (!(value & CR4_PAE) || ((value ^ old) & CR4_LA57)))
        return false;
    if ((value & CR4_PCIDE) && !(old & CR4_PCIDE) && ((vcpu->cr3 & CR3_PCID_MASK) || !kvm_long_mode_active(vcpu)))
        return false;
    if ((value & CR4_CET) && !(vcpu->cr0 & CR0_WP))
        return false;
    vcpu->cr4 = value;
    return true;
}

static void load_efer_keeping_lma(struct kvm_vcpu *vcpu, uint64_t value)
{
    /* LMA is KVM's to maintain: it follows EFER.LME and CR0.PG. */
    vcpu->efer = (value & ~EFER_LMA) | (vcpu->efer & EFER_LMA);
}

bool kvm_set_efer(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t value)
{
    if (!kvm_efer_bits_valid(machine, value))
        return false;
    if ((vcpu->cr0 & CR0_PG) && ((vcpu->efer ^ value) & EFER_LME))
        return false;
    load_efer_keeping_lma(vcpu, value);
    return true;
}

void kvm_get_sregs(const struct kvm_vcpu *vcpu, struct kvm_sregs *sregs)
{
    sregs->cr0 = vcpu->cr0;
    sregs->cr3 = vcpu->cr3;
    sregs->cr4 = vcpu->cr4;
    sregs->efer = vcpu->efer;
    sregs->cs64 = vcpu->cs64;
}

bool kvm_sregs_valid(const struct kvm_machine *machine, const struct kvm_sregs *sregs)
{
    if ((sregs->cr0 >> 32) || ((sregs->cr0 & CR0_NW) && !(sregs->cr0 & CR0_CD)) ||
        ((sregs->cr0 & CR0_PG) && !(sregs->cr0 & CR0_PE)))
        return false;
    if (!kvm_cr4_bits_valid(machine, sregs->cr4) || !kvm_efer_bits_valid(machine, sregs->efer))
        return false;
    if ((sregs->efer & EFER_LME) && (sregs->cr0 & CR0_PG))
        return (sregs->cr4 & CR4_PAE) && (sregs->efer & EFER_LMA);
    /* Outside long mode neither EFER.LMA nor a 64-bit code segment can be. */
    return !(sregs->efer & EFER_LMA) && !sregs->cs64;
}

bool kvm_set_sregs(struct kvm_machine *machine, struct kvm_vcpu *vcpu, const struct kvm_sregs *sregs)
{
    if (!kvm_sregs_valid(machine, sregs))
        return false;
    vcpu->cr0 = sregs->cr0;
    vcpu->cr3 = sregs->cr3;
    vcpu->cr4 = sregs->cr4;
    vcpu->efer = sregs->efer;
    vcpu->cs64 = sregs->cs64;
    return true;
}

void kvm_load_reset_state(struct kvm_vcpu *vcpu)
{
    vcpu->cr0 = RESET_CR0;
    vcpu->cr3 = 0;
    vcpu->cr4 = 0;
    vcpu->efer = 0;
    vcpu->cs64 = false;
    vcpu->stopped = false;
}
