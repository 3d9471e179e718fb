/* MSR access on the KVM machine: naming, and the guest (RDMSR/WRMSR) and host (KVM_GET/SET_MSRS) paths. */
#ifndef HVABI_KVM_MSR_H
#define HVABI_KVM_MSR_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

/* The number an `msr` argument names (a 0x number, an MSR name or a CR-pin alias); fails the case otherwise. */
uint64_t kvm_msr_argument(struct kvm_machine *machine, const struct json_value *value, const char *where);
/* The same for a name given as text (state keys); false when nothing has that name. */
bool kvm_msr_by_name(struct kvm_machine *machine, const char *name, size_t length, uint64_t *number);

/* false: the guest gets #GP(0). */
bool kvm_guest_rdmsr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t *value);
bool kvm_guest_wrmsr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t value);
/* false: KVM_GET_MSRS/KVM_SET_MSRS processes 0 MSRs. */
bool kvm_host_get_msr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t *value);
bool kvm_host_set_msr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t value);

#endif
