/* System management mode: SMI entry, the save-state image, and RSM. */
#ifndef HVABI_KVM_SMM_H
#define HVABI_KVM_SMM_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

enum rsm_result { RSM_OK, RSM_OUTSIDE_SMM, RSM_EMULATION_FAILURE };

/* Whether the guest's CPUID offers long mode, which selects the 64-bit save-state layout. */
bool smm_layout64(const struct kvm_machine *machine);

void smm_enter(struct kvm_machine *machine, struct kvm_vcpu *vcpu);
enum rsm_result smm_rsm(struct kvm_machine *machine, struct kvm_vcpu *vcpu);

/* Save-state bytes at `offset` (relative to SMBASE+0x8000); false when [offset, offset+size) leaves the area. */
bool smram_read(const struct kvm_vcpu *vcpu, uint64_t offset, unsigned size, uint64_t *value);
bool smram_write(struct kvm_vcpu *vcpu, uint64_t offset, unsigned size, uint64_t value);

#endif
