/*
 * The guest's write paths for CR0, CR3, CR4 and EFER (kvm_set_cr0/cr3/cr4,
 * set_efer) with their architectural checks, the pins the areas add, the
 * validity check of KVM_SET_SREGS, and the reset state.
 */
#ifndef HVABI_KVM_ARCH_H
#define HVABI_KVM_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

/* Each returns true when the write took effect, false when the guest gets #GP(0) (nothing changes). */
bool kvm_set_cr0(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t value);
bool kvm_set_cr3(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t value);
bool kvm_set_cr4(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t value);
/* The guest's WRMSR of EFER. */
bool kvm_set_efer(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t value);

/* MOV to CR0/CR4 as the vCPU executes it: outside 64-bit mode only the low 32 bits of the operand count. */
uint64_t kvm_mov_operand(const struct kvm_vcpu *vcpu, uint64_t value);

bool kvm_cr4_bits_valid(const struct kvm_machine *machine, uint64_t cr4);
bool kvm_efer_bits_valid(const struct kvm_machine *machine, uint64_t efer);

struct kvm_sregs {
    uint64_t cr0;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t efer;
    bool cs64;
};

void kvm_get_sregs(const struct kvm_vcpu *vcpu, struct kvm_sregs *sregs);
/* Whether KVM_SET_SREGS would accept this state (kvm_is_valid_sregs). */
bool kvm_sregs_valid(const struct kvm_machine *machine, const struct kvm_sregs *sregs);
/* KVM_SET_SREGS: loads the state without consulting pins; false (EINVAL) for an architecturally invalid one. */
bool kvm_set_sregs(struct kvm_machine *machine, struct kvm_vcpu *vcpu, const struct kvm_sregs *sregs);

/* The reset state (power-on and INIT): CR0 0x60000010, CR3, CR4 and EFER 0, 16-bit code. */
void kvm_load_reset_state(struct kvm_vcpu *vcpu);

#endif
