/* The KVM machine's own operations: instructions a vCPU executes, SMM, nested entry/exit, the VMM's ioctls. */
#ifndef HVABI_KVM_OPS_H
#define HVABI_KVM_OPS_H

#include <stddef.h>

#include "area.h"

extern const struct kvm_op kvm_instruction_ops[];
extern const size_t kvm_instruction_op_count;
extern const struct kvm_op kvm_vmm_ops[];
extern const size_t kvm_vmm_op_count;

/* kvm_vcpu_reset() with init_event (INIT): the reset state, and what the areas do on reset. */
void kvm_vcpu_init(struct kvm_machine *machine, struct kvm_vcpu *vcpu);

/* A #GP(0) for the step: the instruction did not retire. */
void kvm_report_gp(struct step_outcome *outcome);

/* The vCPU a guest instruction runs on: it must not have been stopped by an emulation failure. */
struct kvm_vcpu *kvm_running_vcpu(struct kvm_step *step);

#endif
