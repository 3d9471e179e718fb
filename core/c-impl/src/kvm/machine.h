/*
 * The modelled KVM host: the guest's CPU model, the VMM's policy and each
 * vCPU's architectural state (control registers, EFER, SMM, nested guest
 * mode). Areas (CR pinning) keep their own state beside it.
 */
#ifndef HVABI_KVM_MACHINE_H
#define HVABI_KVM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../protocol/args.h"
#include "../protocol/case_run.h"
#include "../protocol/observation.h"
#include "../registry.h"
#include "areas.h"

enum { KVM_MAX_VCPUS = 8, SMRAM_SAVE_LOW = 0x7e00, SMRAM_SAVE_SIZE = 0x200 };

/* CPUID features of the guest's CPU model (config.cpu.features) that the model consults. */
enum cpu_feature {
    FEATURE_XSAVE,
    FEATURE_SMEP,
    FEATURE_SMAP,
    FEATURE_FSGSBASE,
    FEATURE_PKU,
    FEATURE_LA57,
    FEATURE_UMIP,
    FEATURE_VMX,
    FEATURE_SVM,
    FEATURE_PCID,
    FEATURE_LAM,
    FEATURE_CET_SS,
    FEATURE_CET_IBT,
    FEATURE_FRED,
    FEATURE_LM,
    FEATURE_NX,
    FEATURE_COUNT
};

struct kvm_cpu {
    bool amd; /* AMD or Hygon: SVM nesting */
    bool has[FEATURE_COUNT];
};

struct kvm_vcpu {
    unsigned index;
    uint64_t cr0;
    uint64_t cr3;
    uint64_t cr4;
    uint64_t efer;
    bool cs64;
    bool smm;
    /* CS.L when the SMI arrived (segments are not part of the modelled image). */
    bool cs64_before_smi;
    /* The SMM save-state area, SMBASE+0x8000+0x7e00 .. +0x7fff. */
    unsigned char smram[SMRAM_SAVE_SIZE];
    /* L2 runs, launched with these vmcs12 host fields for the way back. */
    bool guest_mode;
    uint64_t host_cr0;
    uint64_t host_cr4;
    /* KVM stopped the vCPU with an emulation failure: it runs no guest code until a reset. */
    bool stopped;
    void *area_state[KVM_AREA_COUNT];
};

struct kvm_vmm {
    bool expose_cr_pin;
    bool zeroes_pins_on_reset;
    bool migrates_pins;
};

struct kvm_machine {
    struct case_run *run;
    int profile;
    struct kvm_cpu cpu;
    struct kvm_vmm vmm;
    bool ignore_msrs;
    unsigned vcpu_count;
    struct kvm_vcpu vcpus[KVM_MAX_VCPUS];
    /* Whether any step ran yet (the first step decides between power-on and config.kvm.vcpu). */
    bool started;
    struct arg_object config;
    /* Where console messages of the running step go (NULL: discarded). */
    struct step_outcome *console;
    void *area_state[KVM_AREA_COUNT];
};

/* The vCPU a step names (args.vcpu, default 0); fails the case when the VM has no such vCPU. */
struct kvm_vcpu *kvm_step_vcpu(struct kvm_machine *machine, struct arg_object args);

/* 64-bit mode: EFER.LMA and CS.L. */
bool kvm_in_64bit_mode(const struct kvm_vcpu *vcpu);
bool kvm_long_mode_active(const struct kvm_vcpu *vcpu);

/* A normative console message of the running step (spec/data/messages.json ids). */
struct log_entry *kvm_console(struct kvm_machine *machine, const char *msg);

#endif
