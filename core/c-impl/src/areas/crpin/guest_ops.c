/*
 * The Linux guest's operations: power-on boot, bringing a CPU online, the
 * kernel's CR-write helpers with native pinning, and kexec. Every control
 * register write goes through the vCPU's guest write path, pins included.
 */
#include <stdio.h>
#include <string.h>

#include "../../kvm/arch.h"
#include "../../kvm/bits.h"
#include "../../kvm/msr.h"
#include "../../kvm/ops.h"
#include "crpin.h"

enum target { TARGET_CR0, TARGET_CR4, TARGET_EFER, TARGET_ENTER_64 };

/* One write of a boot, AP bring-up or kexec sequence. */
struct guest_write {
    const char *stage;
    enum target target;
    /* Start from 0 rather than the register's current value. */
    bool from_zero;
    uint64_t clear;
    uint64_t set;
    /* Set only when the guest's CPUID has the feature. */
    int feature;
    uint64_t feature_bits;
    /* Bits a kernel built to keep pins (seed-proposals) carries over when they are set. */
    uint64_t pin_safe_keep;
    /* Skipped when it would not change the register (cr4_set_bits). */
    bool only_if_changed;
};

#define NO_FEATURE -1
#define CR0_STATE (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG)
#define PROTECTION_BITS (CR4_SMEP | CR4_SMAP | CR4_UMIP)

/* secondary_startup_64 and the CPU setup that follows, shared by every path into a kernel. */
#define KERNEL_ENTRY_WRITES                                                                                            \
    { "kernel-early", TARGET_CR4, true, 0, CR4_PAE | CR4_PGE, NO_FEATURE, 0, PROTECTION_BITS, false },                 \
    { "kernel-early", TARGET_EFER, false, 0, EFER_SCE, FEATURE_NX, EFER_NXE, 0, false },                               \
    { "kernel-early", TARGET_CR0, true, 0, CR0_STATE, NO_FEATURE, 0, 0, false },                                       \
    { "cpu-setup", TARGET_CR4, false, 0, CR4_OSFXSR | CR4_OSXMMEXCPT, NO_FEATURE, 0, 0, true },                        \
    { "cpu-setup", TARGET_CR4, false, 0, 0, FEATURE_XSAVE, CR4_OSXSAVE, 0, true },                                     \
    { "cpu-setup", TARGET_CR4, false, 0, 0, FEATURE_SMEP, CR4_SMEP, 0, true },                                         \
    { "cpu-setup", TARGET_CR4, false, 0, 0, FEATURE_SMAP, CR4_SMAP, 0, true },                                         \
    { "cpu-setup", TARGET_CR4, false, 0, 0, FEATURE_UMIP, CR4_UMIP, 0, true }

/* The boot CPU from power-on: firmware, the decompressor's way into long mode, then the kernel. */
static const struct guest_write boot_sequence[] = {
    { "firmware", TARGET_CR0, false, 0, CR0_PE, NO_FEATURE, 0, 0, false },
    { "decompressor", TARGET_CR4, false, 0, CR4_PAE, NO_FEATURE, 0, 0, false },
    { "decompressor", TARGET_EFER, false, 0, EFER_LME, NO_FEATURE, 0, 0, false },
    { "decompressor", TARGET_CR0, true, 0, CR0_PG | CR0_PE, NO_FEATURE, 0, 0, false },
    { "decompressor", TARGET_ENTER_64, false, 0, 0, NO_FEATURE, 0, 0, false },
    KERNEL_ENTRY_WRITES,
};

/* An application processor after INIT and SIPI: the real-mode trampoline, then the kernel. */
static const struct guest_write ap_sequence[] = {
    { "ap-trampoline", TARGET_CR4, true, 0, CR4_PAE | CR4_PGE, NO_FEATURE, 0, 0, false },
    { "ap-trampoline", TARGET_EFER, false, 0, EFER_LME, NO_FEATURE, 0, 0, false },
    { "ap-trampoline", TARGET_CR0, true, 0, CR0_STATE, NO_FEATURE, 0, 0, false },
    { "ap-trampoline", TARGET_ENTER_64, false, 0, 0, NO_FEATURE, 0, 0, false },
    KERNEL_ENTRY_WRITES,
};

/* kexec: the old kernel's relocate_kernel, then the new kernel entered in 64-bit mode. */
static const struct guest_write kexec_sequence[] = {
    { "kexec-relocate", TARGET_CR0, false, CR0_AM | CR0_WP | CR0_TS | CR0_EM, CR0_PG | CR0_PE, NO_FEATURE, 0, CR0_WP,
      false },
    { "kexec-relocate", TARGET_CR4, true, 0, CR4_PAE, NO_FEATURE, 0, PROTECTION_BITS, false },
    KERNEL_ENTRY_WRITES,
};

#define COUNT(array) (sizeof array / sizeof array[0])

static const char *const target_names[] = { "cr0", "cr4", "efer", "enter-64-bit" };

/* Where a sequence stopped: the refused write, or NULL when every write took effect. */
struct refusal {
    const struct guest_write *write;
    unsigned vcpu;
};

/* A kernel built to keep the pinned bits (seed-proposals' flagged images). */
static bool pin_safe(const struct revision *revision, const struct kernel_image *kernel)
{
    return revision->guest.pin_safe_kexec && kernel_pv_built(revision, kernel);
}

/*
 * Runs `writes` on `vcpu`. The relocate stage belongs to `old_kernel` (kexec
 * only), every other stage to `kernel`. Returns false at the first refusal.
 */
static bool run_writes(struct kvm_machine *machine, struct kvm_vcpu *vcpu, const struct guest_write *writes,
                       size_t count, const struct kernel_image *kernel, const struct kernel_image *old_kernel,
                       struct refusal *refusal)
{
    const struct revision *revision = crpin_state(machine)->revision;
    for (size_t i = 0; i < count; i++) {
        const struct guest_write *write = &writes[i];
        if (write->target == TARGET_ENTER_64) {
            vcpu->cs64 = true;
            continue;
        }
        uint64_t current = write->target == TARGET_CR0 ? vcpu->cr0 : write->target == TARGET_CR4 ? vcpu->cr4 : vcpu->efer;
        uint64_t value = write->from_zero ? 0 : current;
        value = (value & ~write->clear) | write->set;
        if (write->feature != NO_FEATURE && machine->cpu.has[write->feature])
            value |= write->feature_bits;
        const struct kernel_image *owner = strcmp(write->stage, "kexec-relocate") == 0 ? old_kernel : kernel;
        if (pin_safe(revision, owner))
            value |= current & write->pin_safe_keep;
        if (write->only_if_changed && value == current)
            continue;
        bool done = write->target == TARGET_CR0   ? kvm_set_cr0(machine, vcpu, kvm_mov_operand(vcpu, value))
                    : write->target == TARGET_CR4 ? kvm_set_cr4(machine, vcpu, kvm_mov_operand(vcpu, value))
                                                  : kvm_set_efer(machine, vcpu, value);
        if (!done) {
            refusal->write = write;
            refusal->vcpu = vcpu->index;
            return false;
        }
    }
    return true;
}

static void report_refusal(struct kvm_step *step, const struct refusal *refusal)
{
    kvm_report_gp(step->outcome);
    outcome_return(step->outcome, "stage", value_text(refusal->write->stage));
    outcome_return(step->outcome, "target", value_text(target_names[refusal->write->target]));
    outcome_return(step->outcome, "vcpu", value_int(refusal->vcpu));
}

/* The kernel asks KVM to pin (CRPIN-GUEST-REQUEST, CRPIN-GUEST-V1-KCONFIG). */
static bool requests_pinning(const struct revision *revision, const struct kernel_image *kernel)
{
    if (!kernel_pv_built(revision, kernel))
        return false;
    if (revision->guest.opt_in_word == NULL)
        return true;
    return !kernel->kexec_core || kernel_has_word(kernel, revision->guest.opt_in_word);
}

/* kvm_setup_paravirt_cr_pinning(): requested bits & ALLOWED into the pin MSRs, through the guest's WRMSR. */
static void pin_vcpu(struct kvm_machine *machine, struct kvm_vcpu *vcpu)
{
    struct crpin_state *crpin = crpin_state(machine);
    if (crpin->pv != PV_ENABLED)
        return;
    const struct revision *revision = crpin->revision;
    const uint64_t requested[2] = { CR0_WP, crpin->native_cr4_pinned_bits };
    const int crs[2] = { 0, 4 };
    for (int i = 0; i < 2; i++) {
        uint64_t allowed;
        if (!kvm_guest_rdmsr(machine, vcpu, crpin_msr(revision, crs[i], ROLE_ALLOWED)->number, &allowed))
            continue;
        kvm_guest_wrmsr(machine, vcpu, crpin_msr(revision, crs[i], ROLE_PIN)->number, requested[i] & allowed);
    }
}

/* What a kernel decides once its boot CPU ran its writes: crash memory, native pinning, kexec and CR pinning. */
static void settle_boot_cpu(struct kvm_machine *machine, const struct kernel_image *kernel)
{
    struct crpin_state *crpin = crpin_state(machine);
    const struct revision *revision = crpin->revision;
    bool opted_in = revision->guest.opt_in_word != NULL && kernel_has_word(kernel, revision->guest.opt_in_word);

    crpin->crashkernel_reserved = false;
    if (kernel->kexec_core && kernel_crashkernel_size(kernel) > 0) {
        if (kernel->cr_pin_patches && revision->guest.crashkernel_ignored_with_opt_in && opted_in)
            kvm_console(machine, "linux-crashkernel-ignored-pv-cr-pin");
        else
            crpin->crashkernel_reserved = true;
    }

    static const uint64_t masks[] = {
        [NATIVE_NONE] = 0,
        [NATIVE_5_3] = CR4_SMEP | CR4_SMAP | CR4_UMIP,
        [NATIVE_5_8] = CR4_SMEP | CR4_SMAP | CR4_UMIP | CR4_FSGSBASE,
    };
    crpin->native_pinning = kernel->native != NATIVE_NONE;
    crpin->native_cr4_pinned_bits = machine->vcpus[0].cr4 & masks[kernel->native];

    crpin->kexec_load_disabled = revision->guest.kexec == KEXEC_DISABLED_ON_OPT_IN && kernel_pv_built(revision, kernel) &&
                                 kernel->kexec_core && opted_in;

    if (!kernel_pv_built(revision, kernel))
        crpin->pv = PV_NOT_BUILT;
    else if (!requests_pinning(revision, kernel))
        crpin->pv = PV_NOT_REQUESTED;
    else if (!machine->vmm.expose_cr_pin)
        crpin->pv = PV_HOST_LACKS_FEATURE;
    else
        crpin->pv = PV_ENABLED;
    pin_vcpu(machine, &machine->vcpus[0]);
}

/* INIT, SIPI, the trampoline and kernel writes, then the CPU's pinning. */
static bool bring_up(struct kvm_machine *machine, struct kvm_vcpu *vcpu, const struct kernel_image *kernel,
                     struct refusal *refusal)
{
    /* INIT is latched in SMM and becomes a VM-exit in L2; neither path is modelled here. */
    if (vcpu->smm || vcpu->guest_mode)
        case_fail(machine->run, "vCPU %u runs L2 or is in SMM; bringing it up is not modelled", vcpu->index);
    kvm_vcpu_init(machine, vcpu);
    if (!run_writes(machine, vcpu, ap_sequence, COUNT(ap_sequence), kernel, kernel, refusal))
        return false;
    pin_vcpu(machine, vcpu);
    return true;
}

/* A new kernel starts: nothing of the previous one's runtime state remains. */
static void forget_kernel(struct crpin_state *crpin)
{
    crpin->running = false;
    crpin->pv = PV_UNKNOWN;
    crpin->kexec_load_disabled = false;
    crpin->crashkernel_reserved = false;
    crpin->native_pinning = false;
    crpin->native_cr4_pinned_bits = 0;
    crpin->kexec_loaded = false;
    crpin->warned_cr0 = false;
    crpin->warned_cr4 = false;
}

/* The boot CPU's `writes`, its decisions, then every other vCPU; the kernel runs when nothing was refused. */
static void start_kernel(struct kvm_step *step, const struct guest_write *writes, size_t count,
                         const struct kernel_image *kernel, const struct kernel_image *old_kernel)
{
    struct kvm_machine *machine = step->machine;
    struct crpin_state *crpin = crpin_state(machine);
    /* The series hooks its pinning into native pinning's setup_cr_pinning(), which Linux has since 5.3. */
    if (kernel->cr_pin_patches && kernel->native == NATIVE_NONE)
        case_fail(step->run, "the CR-pinning guest patches hook native pinning's setup_cr_pinning() (Linux 5.3 and "
                             "later); nativePinning cannot be none for a kernel with them");
    forget_kernel(crpin);
    struct refusal refusal;
    if (!run_writes(machine, &machine->vcpus[0], writes, count, kernel, old_kernel, &refusal)) {
        report_refusal(step, &refusal);
        return;
    }
    settle_boot_cpu(machine, kernel);
    for (unsigned i = 1; i < machine->vcpu_count; i++) {
        if (!bring_up(machine, &machine->vcpus[i], kernel, &refusal)) {
            report_refusal(step, &refusal);
            return;
        }
    }
    crpin->kernel = *kernel;
    crpin->running = true;
}

void crpin_guest_boot_op(struct kvm_step *step)
{
    struct kvm_machine *machine = step->machine;
    struct crpin_state *crpin = crpin_state(machine);
    if (crpin->running)
        case_fail(step->run, "a guest kernel is already running: reset the machine (vmm_system_reset) before booting again");
    /* Power-on: every vCPU gets the reset state through the VMM; KVM keeps the pins. */
    for (unsigned i = 0; i < machine->vcpu_count; i++) {
        struct kvm_vcpu *vcpu = &machine->vcpus[i];
        vcpu->smm = false;
        vcpu->guest_mode = false;
        kvm_load_reset_state(vcpu);
    }
    start_kernel(step, boot_sequence, COUNT(boot_sequence), &crpin->boot_image, &crpin->boot_image);
}

static struct crpin_state *running_kernel(struct kvm_step *step)
{
    struct crpin_state *crpin = crpin_state(step->machine);
    if (!crpin->running)
        case_fail(step->run, "no guest kernel is running: boot one with guest_boot first");
    return crpin;
}

void crpin_guest_online_cpu_op(struct kvm_step *step)
{
    int64_t index = arg_int(step->run, step->args, "vcpu", 1, KVM_MAX_VCPUS - 1);
    struct crpin_state *crpin = running_kernel(step);
    struct kvm_vcpu *vcpu = kvm_step_vcpu(step->machine, step->args);
    (void)index;
    struct refusal refusal;
    if (!bring_up(step->machine, vcpu, &crpin->kernel, &refusal))
        report_refusal(step, &refusal);
}

static void hex_text(struct case_run *run, uint64_t value, struct value *out)
{
    char buffer[24];
    snprintf(buffer, sizeof buffer, "%llx", (unsigned long long)value);
    *out = value_text(case_strndup(run, buffer, strlen(buffer)));
}

/* native_write_cr0(): the MOV, then WP put back (and a warning once) when native pinning is on. */
static void native_write_cr0(struct kvm_step *step, struct crpin_state *crpin, struct kvm_vcpu *vcpu, uint64_t value)
{
    if (!kvm_set_cr0(step->machine, vcpu, kvm_mov_operand(vcpu, value))) {
        kvm_report_gp(step->outcome);
        return;
    }
    if (!crpin->native_pinning || (value & CR0_WP))
        return;
    if (!kvm_set_cr0(step->machine, vcpu, kvm_mov_operand(vcpu, value | CR0_WP))) {
        kvm_report_gp(step->outcome);
        return;
    }
    if (!crpin->warned_cr0) {
        crpin->warned_cr0 = true;
        kvm_console(step->machine, "linux-cr0-wp-missing");
    }
}

/* native_write_cr4(): the MOV, then the pinned bits restored (and a warning once) when native pinning is on. */
static void native_write_cr4(struct kvm_step *step, struct crpin_state *crpin, struct kvm_vcpu *vcpu, uint64_t value)
{
    if (!kvm_set_cr4(step->machine, vcpu, kvm_mov_operand(vcpu, value))) {
        kvm_report_gp(step->outcome);
        return;
    }
    if (!crpin->native_pinning)
        return;
    uint64_t pinned = crpin->native_cr4_pinned_bits;
    uint64_t corrected, bits;
    const char *message;
    if (crpin->kernel.native == NATIVE_5_3) {
        /* 5.3: pinned bits that went missing are set again. */
        bits = ~value & pinned;
        corrected = value | bits;
        message = "linux-cr4-bits-missing";
    } else {
        /* 5.8: the masked bits are restored to their pinned values, 1 or 0. */
        const uint64_t mask = CR4_SMEP | CR4_SMAP | CR4_UMIP | CR4_FSGSBASE;
        bits = (value & mask) ^ pinned;
        corrected = (value & ~mask) | pinned;
        message = "linux-cr4-bits-changed";
    }
    if (bits == 0)
        return;
    if (!kvm_set_cr4(step->machine, vcpu, kvm_mov_operand(vcpu, corrected))) {
        kvm_report_gp(step->outcome);
        return;
    }
    if (!crpin->warned_cr4) {
        crpin->warned_cr4 = true;
        struct log_entry *entry = kvm_console(step->machine, message);
        if (entry != NULL) {
            struct value text;
            hex_text(step->run, bits, &text);
            log_param(entry, "bits", text);
        }
    }
}

void crpin_guest_write_cr_op(struct kvm_step *step)
{
    int cr = (int)arg_int(step->run, step->args, "cr", 0, 4);
    if (cr != 0 && cr != 4)
        case_fail(step->run, "args.cr must be 0 or 4, found %d", cr);
    uint64_t value = arg_hex64(step->run, step->args, "value");
    struct crpin_state *crpin = running_kernel(step);
    struct kvm_vcpu *vcpu = kvm_running_vcpu(step);
    if (cr == 0)
        native_write_cr0(step, crpin, vcpu, value);
    else
        native_write_cr4(step, crpin, vcpu, value);
}

static const char *const syscalls[] = { "kexec_file_load", "kexec_load", NULL };

void crpin_guest_kexec_load_op(struct kvm_step *step)
{
    struct kernel_image image;
    kernel_image_read(step->run, arg_object(step->run, step->args, "image"), &image);
    bool file_load = arg_enum(step->run, step->args, "syscall", syscalls) == 0;
    struct crpin_state *crpin = running_kernel(step);
    const struct revision *revision = crpin->revision;
    if (!crpin->kernel.kexec_core) {
        step->outcome->result = "ENOSYS";
        return;
    }
    if (crpin->kexec_load_disabled) {
        step->outcome->result = "EPERM";
        return;
    }
    /* seed-proposals: a pinned kernel loads only images flagged as keeping the pins, and only by file. */
    if (revision->guest.kexec == KEXEC_IMAGE_FLAG && crpin->pv == PV_ENABLED) {
        if (!file_load) {
            step->outcome->result = "EINVAL";
            return;
        }
        if (!kernel_pv_built(revision, &image)) {
            step->outcome->result = "ENOEXEC";
            return;
        }
    }
    crpin->kexec_image = image;
    crpin->kexec_loaded = true;
}

void crpin_guest_kexec_exec_op(struct kvm_step *step)
{
    struct crpin_state *crpin = running_kernel(step);
    if (!crpin->kexec_loaded)
        case_fail(step->run, "no image is loaded for kexec: load one with guest_kexec_load first");
    (void)kvm_running_vcpu(step);
    struct kernel_image old_kernel = crpin->kernel;
    struct kernel_image new_kernel = crpin->kexec_image;
    start_kernel(step, kexec_sequence, COUNT(kexec_sequence), &new_kernel, &old_kernel);
}
