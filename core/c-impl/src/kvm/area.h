/*
 * How an area plugs into the KVM machine: the MSRs it defines, a veto on
 * guest control-register writes, what it does at RSM, INIT, nested VM-exit,
 * system reset and migration, its CPUID bits, operations and state keys.
 */
#ifndef HVABI_KVM_AREA_H
#define HVABI_KVM_AREA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine.h"

struct kvm_step {
    struct kvm_machine *machine;
    struct case_run *run;
    struct arg_object args;
    struct step_outcome *outcome;
};

struct kvm_op {
    const char *name;
    void (*run)(struct kvm_step *step);
};

/* The registers RSM reloads, as read from the save-state area. */
struct smm_image {
    bool layout64;
    uint64_t cr0;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t efer;
};

enum msr_kind {
    /* Not an MSR of this area. */
    MSR_NOT_MINE,
    /* Defined and handled by this area. */
    MSR_HANDLED,
    /* Defined by the revision's kernel for something the model leaves out: touching it is a case error. */
    MSR_UNMODELLED,
};

struct kvm_area {
    const char *name;
    size_t machine_state_size;
    size_t vcpu_state_size;
    /* Reads the area's configuration when the machine is created. */
    void (*create)(struct kvm_machine *machine, void *state);
    /* The number of an MSR name or alias this area defines; false when the name is not the area's. */
    bool (*msr_by_name)(struct kvm_machine *machine, const char *name, size_t length, uint64_t *number);
    enum msr_kind (*msr_kind)(struct kvm_machine *machine, uint64_t number);
    /* A guest (host == false) or host-initiated access of an MSR_HANDLED number: false when refused. */
    bool (*rdmsr)(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, bool host, uint64_t *value);
    bool (*wrmsr)(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t value, bool host);
    /* Bits the area adds to CPUID 0x40000001 EAX. */
    uint32_t (*cpuid_features)(struct kvm_machine *machine);
    /* Whether the area refuses a guest write of `value` (already adjusted as KVM loads it) to CR0 or CR4. */
    bool (*cr_write_refused)(struct kvm_machine *machine, struct kvm_vcpu *vcpu, int cr, uint64_t value);
    /* RSM: may rewrite the image KVM reloads from (not guest memory). */
    void (*rsm_before_reload)(struct kvm_machine *machine, struct kvm_vcpu *vcpu, struct smm_image *image);
    /* RSM: whether the reloaded state fails the area's check. */
    bool (*rsm_after_reload_refused)(struct kvm_machine *machine, struct kvm_vcpu *vcpu);
    /* kvm_vcpu_reset() for INIT (and vCPU creation). */
    void (*vcpu_reset)(struct kvm_machine *machine, struct kvm_vcpu *vcpu);
    /* A nested VM-exit is about to load L1's CR0/CR4 from the vmcs12 host fields. */
    void (*nested_exit)(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t *cr0, uint64_t *cr4);
    /* The VMM's part of a system reset (its MSR writes), after every vCPU got the reset state. */
    void (*vmm_reset)(struct kvm_machine *machine, void *state);
    /* What of the area's state reaches the migration destination. */
    void (*vmm_migrate)(struct kvm_machine *machine, void *state);
    const struct kvm_op *ops;
    size_t op_count;
    /* True when `key` belongs to this area; then *value is its value. */
    bool (*read_state)(struct kvm_machine *machine, void *state, const char *key, size_t length, struct value *value);
};

static inline void *kvm_area_state(const struct kvm_machine *machine, enum kvm_area_slot slot)
{
    return machine->area_state[slot];
}

static inline void *kvm_vcpu_area_state(const struct kvm_vcpu *vcpu, enum kvm_area_slot slot)
{
    return vcpu->area_state[slot];
}

#endif
