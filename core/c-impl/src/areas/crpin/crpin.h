/* What the CR-pinning area's parts share: per-vCPU pins, the guest kernel's state, and access to them. */
#ifndef HVABI_CRPIN_H
#define HVABI_CRPIN_H

#include <stdbool.h>
#include <stdint.h>

#include "../../kvm/area.h"
#include "revision.h"

/* Index of CR0 and CR4 in the pin arrays. */
enum { PIN_CR0, PIN_CR4 };

struct crpin_vcpu {
    /* Bits that must stay 1 (rfc-v1: frozen at their value); bits that must stay 0 (v3). */
    uint64_t pin[2];
    uint64_t pin_low[2];
};

enum native_generation { NATIVE_NONE, NATIVE_5_3, NATIVE_5_8 };

/* A Linux kernel image (config-kvm.schema.json#/$defs/guestKernel). */
struct kernel_image {
    const char *cmdline;
    size_t cmdline_length;
    bool cr_pin_patches;
    bool kvm_guest;
    bool paravirt_cr_pin_asked;
    bool kexec_core;
    enum native_generation native;
};

enum pv_cr_pin { PV_UNKNOWN, PV_NOT_BUILT, PV_NOT_REQUESTED, PV_HOST_LACKS_FEATURE, PV_ENABLED };

struct crpin_state {
    const struct revision *revision;
    /* config.kvm.guest: what guest_boot boots. */
    struct kernel_image boot_image;
    bool running;
    struct kernel_image kernel;
    enum pv_cr_pin pv;
    bool kexec_load_disabled;
    bool crashkernel_reserved;
    bool native_pinning;
    uint64_t native_cr4_pinned_bits;
    bool kexec_loaded;
    struct kernel_image kexec_image;
    /* WARN_ONCE sites already printed in this boot. */
    bool warned_cr0;
    bool warned_cr4;
};

static inline struct crpin_state *crpin_state(const struct kvm_machine *machine)
{
    return kvm_area_state(machine, KVM_AREA_CRPIN);
}

static inline struct crpin_vcpu *crpin_vcpu(const struct kvm_vcpu *vcpu)
{
    return kvm_vcpu_area_state(vcpu, KVM_AREA_CRPIN);
}

/* The revision's MSR with this register and role, or NULL (pin-low outside v3). */
const struct pin_msr *crpin_msr(const struct revision *revision, int cr, enum pin_role role);

/* Hooks of the KVM machine (pins.c). */
bool crpin_msr_by_name(struct kvm_machine *machine, const char *name, size_t length, uint64_t *number);
enum msr_kind crpin_msr_kind(struct kvm_machine *machine, uint64_t number);
bool crpin_rdmsr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, bool host, uint64_t *value);
bool crpin_wrmsr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t value, bool host);
uint32_t crpin_cpuid_features(struct kvm_machine *machine);
bool crpin_cr_write_refused(struct kvm_machine *machine, struct kvm_vcpu *vcpu, int cr, uint64_t value);
void crpin_rsm_before_reload(struct kvm_machine *machine, struct kvm_vcpu *vcpu, struct smm_image *image);
bool crpin_rsm_after_reload_refused(struct kvm_machine *machine, struct kvm_vcpu *vcpu);
void crpin_vcpu_reset(struct kvm_machine *machine, struct kvm_vcpu *vcpu);
void crpin_nested_exit(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t *cr0, uint64_t *cr4);
void crpin_vmm_reset(struct kvm_machine *machine, void *state);
void crpin_vmm_migrate(struct kvm_machine *machine, void *state);

/* The Linux guest (linux.c, guest_ops.c). */
void kernel_image_read(struct case_run *run, struct arg_object config, struct kernel_image *image);
bool kernel_has_word(const struct kernel_image *image, const char *word);
/* PARAVIRT_CR_PIN is built into the kernel. */
bool kernel_pv_built(const struct revision *revision, const struct kernel_image *image);
/* Crash memory the kernel's last crashkernel= asks for (0 when none, zero or unparsable). */
uint64_t kernel_crashkernel_size(const struct kernel_image *image);

void crpin_guest_boot_op(struct kvm_step *step);
void crpin_guest_online_cpu_op(struct kvm_step *step);
void crpin_guest_write_cr_op(struct kvm_step *step);
void crpin_guest_kexec_load_op(struct kvm_step *step);
void crpin_guest_kexec_exec_op(struct kvm_step *step);

#endif
