/* What the VMM does through KVM's ioctls, INIT, and nested entry and exit. */
#include "arch.h"
#include "bits.h"
#include "msr.h"
#include "ops.h"

static void host_set_msr(struct kvm_step *step)
{
    uint64_t number = kvm_msr_argument(step->machine, json_member(step->args.object, "msr"), "args.msr");
    uint64_t value = arg_hex64(step->run, step->args, "value");
    struct kvm_vcpu *vcpu = kvm_step_vcpu(step->machine, step->args);
    outcome_return(step->outcome, "processed", value_int(kvm_host_set_msr(step->machine, vcpu, number, value)));
}

static void host_get_msr(struct kvm_step *step)
{
    uint64_t number = kvm_msr_argument(step->machine, json_member(step->args.object, "msr"), "args.msr");
    struct kvm_vcpu *vcpu = kvm_step_vcpu(step->machine, step->args);
    uint64_t value;
    bool processed = kvm_host_get_msr(step->machine, vcpu, number, &value);
    outcome_return(step->outcome, "processed", value_int(processed));
    if (processed)
        outcome_return(step->outcome, "value", value_hex64(value));
}

static void host_set_sregs(struct kvm_step *step)
{
    struct kvm_vcpu *vcpu = kvm_step_vcpu(step->machine, step->args);
    struct kvm_sregs sregs;
    kvm_get_sregs(vcpu, &sregs);
    arg_hex64_optional(step->run, step->args, "cr0", &sregs.cr0);
    arg_hex64_optional(step->run, step->args, "cr3", &sregs.cr3);
    arg_hex64_optional(step->run, step->args, "cr4", &sregs.cr4);
    arg_hex64_optional(step->run, step->args, "efer", &sregs.efer);
    if (arg_has(step->args, "cs64"))
        sregs.cs64 = arg_bool(step->run, step->args, "cs64");
    if (!kvm_set_sregs(step->machine, vcpu, &sregs))
        step->outcome->result = "EINVAL";
}

/* A nested VM-exit: L1 gets its CR0/CR4 from the vmcs12 host fields, as the areas adjust them. */
static void exit_to_l1(struct kvm_machine *machine, struct kvm_vcpu *vcpu)
{
    uint64_t cr0 = vcpu->host_cr0;
    uint64_t cr4 = vcpu->host_cr4;
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        if (kvm_areas[slot]->nested_exit != NULL)
            kvm_areas[slot]->nested_exit(machine, vcpu, &cr0, &cr4);
    /* nested_svm_vmexit() loads the host CR0 with PE set. */
    if (machine->cpu.amd)
        cr0 |= CR0_PE;
    vcpu->cr0 = cr0;
    vcpu->cr4 = cr4;
    vcpu->guest_mode = false;
}

void kvm_vcpu_init(struct kvm_machine *machine, struct kvm_vcpu *vcpu)
{
    kvm_load_reset_state(vcpu);
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        if (kvm_areas[slot]->vcpu_reset != NULL)
            kvm_areas[slot]->vcpu_reset(machine, vcpu);
}

static void vcpu_init(struct kvm_step *step)
{
    struct kvm_vcpu *vcpu = kvm_step_vcpu(step->machine, step->args);
    if (vcpu->guest_mode) {
        /* While L2 runs, INIT is an INIT-signal VM-exit to L1. */
        exit_to_l1(step->machine, vcpu);
        return;
    }
    if (vcpu->smm)
        case_fail(step->run, "vCPU %u is in SMM, where INIT stays latched; the model leaves that out", vcpu->index);
    kvm_vcpu_init(step->machine, vcpu);
}

static void vmm_system_reset(struct kvm_step *step)
{
    struct kvm_machine *machine = step->machine;
    for (unsigned i = 0; i < machine->vcpu_count; i++) {
        struct kvm_vcpu *vcpu = &machine->vcpus[i];
        /* KVM_SET_SREGS (and the nested and event state) with the reset values; KVM is not told more. */
        vcpu->smm = false;
        vcpu->guest_mode = false;
        kvm_load_reset_state(vcpu);
    }
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        if (kvm_areas[slot]->vmm_reset != NULL)
            kvm_areas[slot]->vmm_reset(machine, machine->area_state[slot]);
}

static void vmm_migrate(struct kvm_step *step)
{
    struct kvm_machine *machine = step->machine;
    for (unsigned i = 0; i < machine->vcpu_count; i++) {
        const struct kvm_vcpu *vcpu = &machine->vcpus[i];
        if (vcpu->smm || vcpu->guest_mode || vcpu->stopped)
            case_fail(step->run, "vCPU %u is %s: migrating it is not modelled", i,
                      vcpu->smm ? "in SMM" : vcpu->guest_mode ? "running L2" : "stopped");
    }
    /* The registers travel through KVM_GET_SREGS/KVM_SET_SREGS unchanged; the areas say what else arrives. */
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        if (kvm_areas[slot]->vmm_migrate != NULL)
            kvm_areas[slot]->vmm_migrate(machine, machine->area_state[slot]);
}

static void nested_vmentry(struct kvm_step *step)
{
    struct kvm_machine *machine = step->machine;
    uint64_t guest_cr0 = arg_hex64(step->run, step->args, "guestCr0");
    uint64_t guest_cr4 = arg_hex64(step->run, step->args, "guestCr4");
    uint64_t host_cr0 = arg_hex64(step->run, step->args, "hostCr0");
    uint64_t host_cr4 = arg_hex64(step->run, step->args, "hostCr4");
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    if (vcpu->guest_mode || vcpu->smm)
        case_fail(step->run, "vCPU %u %s: a nested VM-entry from there is not modelled", vcpu->index,
                  vcpu->guest_mode ? "already runs L2" : "is in SMM");
    /* L1 must be able to launch L2 at all: VMX operation on Intel, SVM on AMD. */
    if (!machine->cpu.amd && !machine->cpu.has[FEATURE_VMX])
        case_fail(step->run, "nested VMX needs config.cpu.features.vmx");
    if (!machine->cpu.amd && !(vcpu->cr4 & CR4_VMXE))
        case_fail(step->run, "vCPU %u is not in VMX operation: set CR4.VMXE before VMLAUNCH", vcpu->index);
    if (machine->cpu.amd && !machine->cpu.has[FEATURE_SVM])
        case_fail(step->run, "nested SVM needs config.cpu.features.svm");
    /* VM-entry's consistency checks are not modelled, so the vmcs12 values must pass them. */
    const struct { const char *what; uint64_t cr0, cr4; } fields[] = {
        { "guest", guest_cr0, guest_cr4 }, { "host", host_cr0, host_cr4 },
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        struct kvm_sregs sregs;
        kvm_get_sregs(vcpu, &sregs);
        sregs.cr0 = fields[i].cr0;
        sregs.cr4 = fields[i].cr4;
        if (!kvm_sregs_valid(machine, &sregs))
            case_fail(step->run, "the vmcs12 %s CR0/CR4 (0x%llx, 0x%llx) fail VM-entry checks, which are not modelled",
                      fields[i].what, (unsigned long long)fields[i].cr0, (unsigned long long)fields[i].cr4);
    }
    /* VM-entry loads L2's control registers directly, not through the guest write paths. */
    vcpu->cr0 = guest_cr0;
    vcpu->cr4 = guest_cr4;
    vcpu->host_cr0 = host_cr0;
    vcpu->host_cr4 = host_cr4;
    vcpu->guest_mode = true;
}

static void nested_vmexit(struct kvm_step *step)
{
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    if (!vcpu->guest_mode)
        case_fail(step->run, "vCPU %u does not run L2: there is no nested VM-exit to take", vcpu->index);
    exit_to_l1(step->machine, vcpu);
}

const struct kvm_op kvm_vmm_ops[] = {
    { "host_set_msr", host_set_msr },     { "host_get_msr", host_get_msr },
    { "host_set_sregs", host_set_sregs }, { "vcpu_init", vcpu_init },
    { "vmm_system_reset", vmm_system_reset }, { "vmm_migrate", vmm_migrate },
    { "nested_vmentry", nested_vmentry }, { "nested_vmexit", nested_vmexit },
};
const size_t kvm_vmm_op_count = sizeof kvm_vmm_ops / sizeof kvm_vmm_ops[0];
