#include "smm.h"

#include <string.h>

#include "arch.h"
#include "area.h"
#include "bits.h"

/* Save-state offsets relative to SMBASE+0x8000 (cr-pinning-and-x86-facts 11, KVM's enter_smm_save_state_*). */
enum {
    SMRAM64_CR0 = 0x7f58,
    SMRAM64_CR3 = 0x7f50,
    SMRAM64_CR4 = 0x7f48,
    SMRAM64_EFER = 0x7ed0,
    SMRAM32_CR0 = 0x7ffc,
    SMRAM32_CR3 = 0x7ff8,
    SMRAM32_CR4 = 0x7f14,
};

bool smm_layout64(const struct kvm_machine *machine)
{
    return machine->cpu.has[FEATURE_LM];
}

bool smram_read(const struct kvm_vcpu *vcpu, uint64_t offset, unsigned size, uint64_t *value)
{
    if (offset < SMRAM_SAVE_LOW || offset + size > SMRAM_SAVE_LOW + SMRAM_SAVE_SIZE)
        return false;
    const unsigned char *bytes = vcpu->smram + (offset - SMRAM_SAVE_LOW);
    uint64_t result = 0;
    for (unsigned i = size; i > 0; i--)
        result = result << 8 | bytes[i - 1];
    *value = result;
    return true;
}

bool smram_write(struct kvm_vcpu *vcpu, uint64_t offset, unsigned size, uint64_t value)
{
    if (offset < SMRAM_SAVE_LOW || offset + size > SMRAM_SAVE_LOW + SMRAM_SAVE_SIZE)
        return false;
    unsigned char *bytes = vcpu->smram + (offset - SMRAM_SAVE_LOW);
    for (unsigned i = 0; i < size; i++)
        bytes[i] = (unsigned char)(value >> (8 * i));
    return true;
}

void smm_enter(struct kvm_machine *machine, struct kvm_vcpu *vcpu)
{
    memset(vcpu->smram, 0, sizeof vcpu->smram);
    if (smm_layout64(machine)) {
        smram_write(vcpu, SMRAM64_CR0, 8, vcpu->cr0);
        smram_write(vcpu, SMRAM64_CR3, 8, vcpu->cr3);
        smram_write(vcpu, SMRAM64_CR4, 8, vcpu->cr4);
        smram_write(vcpu, SMRAM64_EFER, 8, vcpu->efer);
    } else {
        smram_write(vcpu, SMRAM32_CR0, 4, vcpu->cr0);
        smram_write(vcpu, SMRAM32_CR3, 4, vcpu->cr3);
        smram_write(vcpu, SMRAM32_CR4, 4, vcpu->cr4);
    }
    /* Entry sets these directly, never through the pinned write paths. */
    vcpu->cr0 &= ~(CR0_PE | CR0_EM | CR0_TS | CR0_PG);
    vcpu->cr4 = 0;
    if (machine->cpu.has[FEATURE_LM])
        vcpu->efer = 0;
    vcpu->cs64_before_smi = vcpu->cs64;
    vcpu->cs64 = false;
    vcpu->smm = true;
}

static void read_image(const struct kvm_machine *machine, const struct kvm_vcpu *vcpu, struct smm_image *image)
{
    image->layout64 = smm_layout64(machine);
    if (image->layout64) {
        smram_read(vcpu, SMRAM64_CR0, 8, &image->cr0);
        smram_read(vcpu, SMRAM64_CR3, 8, &image->cr3);
        smram_read(vcpu, SMRAM64_CR4, 8, &image->cr4);
        smram_read(vcpu, SMRAM64_EFER, 8, &image->efer);
    } else {
        smram_read(vcpu, SMRAM32_CR0, 4, &image->cr0);
        smram_read(vcpu, SMRAM32_CR3, 4, &image->cr3);
        smram_read(vcpu, SMRAM32_CR4, 4, &image->cr4);
        image->efer = 0;
    }
}

/* em_rsm's way back to a real-mode state in which CR0/CR3/CR4/EFER can be loaded; refusals are ignored. */
static void return_to_real_mode(struct kvm_machine *machine, struct kvm_vcpu *vcpu)
{
    bool long_mode_capable = machine->cpu.has[FEATURE_LM];
    if (long_mode_capable) {
        if (vcpu->cr4 & CR4_PCIDE)
            kvm_set_cr4(machine, vcpu, vcpu->cr4 & ~CR4_PCIDE);
        /* A 32-bit code segment is needed to clear EFER.LMA. */
        vcpu->cs64 = false;
    }
    if (vcpu->cr0 & CR0_PE)
        kvm_set_cr0(machine, vcpu, vcpu->cr0 & ~(CR0_PG | CR0_PE));
    if (long_mode_capable) {
        if (vcpu->cr4 & CR4_PAE)
            kvm_set_cr4(machine, vcpu, vcpu->cr4 & ~CR4_PAE);
        kvm_set_efer(machine, vcpu, 0);
    }
}

/* rsm_enter_protected_mode(): CR3 without its PCID, CR4 without PCIDE, CR0, then PCIDE and the PCID. */
static bool reload(struct kvm_machine *machine, struct kvm_vcpu *vcpu, const struct smm_image *image)
{
    if (image->layout64 && !kvm_set_efer(machine, vcpu, image->efer & ~EFER_LMA))
        return false;
    uint64_t cr3 = image->cr3;
    uint64_t pcid = 0;
    if (image->cr4 & CR4_PCIDE) {
        pcid = cr3 & CR3_PCID_MASK;
        cr3 &= ~CR3_PCID_MASK;
    }
    if (!kvm_set_cr3(machine, vcpu, cr3) || !kvm_set_cr4(machine, vcpu, image->cr4 & ~CR4_PCIDE) ||
        !kvm_set_cr0(machine, vcpu, image->cr0))
        return false;
    if (image->cr4 & CR4_PCIDE) {
        if (!kvm_set_cr4(machine, vcpu, image->cr4))
            return false;
        if (pcid != 0 && !kvm_set_cr3(machine, vcpu, cr3 | pcid))
            return false;
    }
    return true;
}

enum rsm_result smm_rsm(struct kvm_machine *machine, struct kvm_vcpu *vcpu)
{
    if (!vcpu->smm)
        return RSM_OUTSIDE_SMM;
    struct smm_image image;
    read_image(machine, vcpu, &image);
    /* SMM is left first, so the guest write paths, pins included, apply to everything below. */
    vcpu->smm = false;
    return_to_real_mode(machine, vcpu);
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        if (kvm_areas[slot]->rsm_before_reload != NULL)
            kvm_areas[slot]->rsm_before_reload(machine, vcpu, &image);
    bool failed = !reload(machine, vcpu, &image);
    for (int slot = 0; slot < KVM_AREA_COUNT && !failed; slot++)
        if (kvm_areas[slot]->rsm_after_reload_refused != NULL &&
            kvm_areas[slot]->rsm_after_reload_refused(machine, vcpu))
            failed = true;
    if (failed) {
        vcpu->stopped = true;
        return RSM_EMULATION_FAILURE;
    }
    vcpu->cs64 = vcpu->cs64_before_smi;
    return RSM_OK;
}
