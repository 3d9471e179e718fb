/* Instructions a vCPU executes at CPL 0: MOV to CR, LMSW, RDMSR, WRMSR, CPUID, and SMI/RSM around SMM. */
#include "ops.h"

#include "arch.h"
#include "bits.h"
#include "msr.h"
#include "smm.h"

void kvm_report_gp(struct step_outcome *outcome)
{
    outcome_fault(outcome, "#GP", 0);
}

struct kvm_vcpu *kvm_running_vcpu(struct kvm_step *step)
{
    struct kvm_vcpu *vcpu = kvm_step_vcpu(step->machine, step->args);
    if (vcpu->stopped)
        case_fail(step->run,
                  "vCPU %u was stopped by an emulation failure and runs no guest code until vmm_system_reset",
                  vcpu->index);
    return vcpu;
}

static void mov_to_cr(struct kvm_step *step)
{
    int cr = (int)arg_int(step->run, step->args, "cr", 0, 4);
    if (cr != 0 && cr != 4)
        case_fail(step->run, "args.cr must be 0 or 4, found %d", cr);
    uint64_t value = arg_hex64(step->run, step->args, "value");
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    uint64_t operand = kvm_mov_operand(vcpu, value);
    bool retired = cr == 0 ? kvm_set_cr0(step->machine, vcpu, operand) : kvm_set_cr4(step->machine, vcpu, operand);
    if (!retired)
        kvm_report_gp(step->outcome);
}

static void lmsw(struct kvm_step *step)
{
    uint64_t operand = (uint64_t)arg_int(step->run, step->args, "value", 0, 0xffff);
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    /* LMSW touches PE, MP, EM and TS only, and can set PE but not clear it. */
    uint64_t cr0 = (vcpu->cr0 & ~(CR0_MP | CR0_EM | CR0_TS)) | (operand & CR0_LMSW_BITS);
    if (!kvm_set_cr0(step->machine, vcpu, cr0))
        kvm_report_gp(step->outcome);
}

/* L1 intercepts its L2's MSR accesses; what it does with them is L1's business, not the model's. */
static void require_l1(struct kvm_step *step, const struct kvm_vcpu *vcpu, const char *what)
{
    if (vcpu->guest_mode)
        case_fail(step->run, "%s from L2 on vCPU %u is not modelled (L1 would intercept it)", what, vcpu->index);
}

static void rdmsr(struct kvm_step *step)
{
    uint64_t number = kvm_msr_argument(step->machine, json_member(step->args.object, "msr"), "args.msr");
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    require_l1(step, vcpu, "RDMSR");
    uint64_t value;
    if (kvm_guest_rdmsr(step->machine, vcpu, number, &value))
        outcome_return(step->outcome, "value", value_hex64(value));
    else
        kvm_report_gp(step->outcome);
}

static void wrmsr(struct kvm_step *step)
{
    uint64_t number = kvm_msr_argument(step->machine, json_member(step->args.object, "msr"), "args.msr");
    uint64_t value = arg_hex64(step->run, step->args, "value");
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    require_l1(step, vcpu, "WRMSR");
    if (!kvm_guest_wrmsr(step->machine, vcpu, number, value))
        kvm_report_gp(step->outcome);
}

static void cpuid(struct kvm_step *step)
{
    uint64_t leaf = arg_hex64(step->run, step->args, "leaf");
    (void)kvm_running_vcpu(step);
    uint64_t eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (leaf == CPUID_KVM_SIGNATURE) {
        /* "KVMKVMKVM\0\0\0" and the highest KVM leaf. */
        eax = CPUID_KVM_FEATURES;
        ebx = 0x4b4d564b;
        ecx = 0x564b4d56;
        edx = 0x4d;
    } else if (leaf == CPUID_KVM_FEATURES) {
        for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
            if (kvm_areas[slot]->cpuid_features != NULL)
                eax |= kvm_areas[slot]->cpuid_features(step->machine);
    } else {
        case_fail(step->run, "CPUID leaf 0x%llx is not modelled (only KVM's 0x40000000 and 0x40000001)",
                  (unsigned long long)leaf);
    }
    outcome_return(step->outcome, "eax", value_hex64(eax));
    outcome_return(step->outcome, "ebx", value_hex64(ebx));
    outcome_return(step->outcome, "ecx", value_hex64(ecx));
    outcome_return(step->outcome, "edx", value_hex64(edx));
}

static void smi(struct kvm_step *step)
{
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    if (vcpu->smm)
        case_fail(step->run, "vCPU %u is already in SMM: a second SMI stays pending, which the model leaves out",
                  vcpu->index);
    if (vcpu->guest_mode)
        case_fail(step->run, "vCPU %u runs L2: an SMI would leave guest mode first, which the model leaves out",
                  vcpu->index);
    smm_enter(step->machine, vcpu);
}

static void rsm(struct kvm_step *step)
{
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    switch (smm_rsm(step->machine, vcpu)) {
    case RSM_OK: break;
    case RSM_OUTSIDE_SMM: outcome_fault(step->outcome, "#UD", -1); break;
    case RSM_EMULATION_FAILURE: step->outcome->result = "emulation-failure"; break;
    }
}

static void smram_write_op(struct kvm_step *step)
{
    uint64_t offset = arg_hex64(step->run, step->args, "offset");
    unsigned size = (unsigned)arg_int(step->run, step->args, "size", 4, 8);
    uint64_t value = arg_hex64(step->run, step->args, "value");
    if (size != 4 && size != 8)
        case_fail(step->run, "args.size must be 4 or 8, found %u", size);
    if (size == 4 && (value >> 32))
        case_fail(step->run, "args.value 0x%llx does not fit in 4 bytes", (unsigned long long)value);
    struct kvm_vcpu *vcpu = kvm_step_vcpu(step->machine, step->args);
    if (!smram_write(vcpu, offset, size, value))
        case_fail(step->run, "args.offset 0x%llx (%u bytes) is outside the save-state area 0x7e00-0x7fff",
                  (unsigned long long)offset, size);
}

const struct kvm_op kvm_instruction_ops[] = {
    { "mov_to_cr", mov_to_cr }, { "lmsw", lmsw }, { "rdmsr", rdmsr }, { "wrmsr", wrmsr },
    { "cpuid", cpuid },         { "smi", smi },   { "rsm", rsm },     { "smram_write", smram_write_op },
};
const size_t kvm_instruction_op_count = sizeof kvm_instruction_ops / sizeof kvm_instruction_ops[0];
