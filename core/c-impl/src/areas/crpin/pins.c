/* The CR-pin MSRs and what KVM does with the pins: write checks, RSM, INIT, nested exit, reset and migration. */
#include <string.h>

#include "../../kvm/bits.h"
#include "crpin.h"

const struct pin_msr *crpin_msr(const struct revision *revision, int cr, enum pin_role role)
{
    for (unsigned i = 0; i < revision->msr_count; i++)
        if (revision->msrs[i].cr == cr && revision->msrs[i].role == role)
            return &revision->msrs[i];
    return NULL;
}

static const struct pin_msr *msr_by_number(const struct revision *revision, uint64_t number)
{
    for (unsigned i = 0; i < revision->msr_count; i++)
        if (revision->msrs[i].number == number)
            return &revision->msrs[i];
    return NULL;
}

static uint64_t allowed(const struct revision *revision, int cr)
{
    return cr == 0 ? revision->allowed_cr0 : revision->allowed_cr4;
}

static int index_of(int cr)
{
    return cr == 0 ? PIN_CR0 : PIN_CR4;
}

static bool same(const char *text, size_t length, const char *name)
{
    return strlen(name) == length && memcmp(text, name, length) == 0;
}

bool crpin_msr_by_name(struct kvm_machine *machine, const char *name, size_t length, uint64_t *number)
{
    const struct revision *revision = crpin_state(machine)->revision;
    for (unsigned i = 0; i < revision->msr_count; i++) {
        if (same(name, length, revision->msrs[i].name)) {
            *number = revision->msrs[i].number;
            return true;
        }
    }
    for (unsigned i = 0; i < revision->other_msr_count; i++) {
        if (same(name, length, revision->other_msrs[i].name)) {
            *number = revision->other_msrs[i].number;
            return true;
        }
    }
    /* Revision-neutral aliases: cr0-allowed, cr4-pin, cr0-pin-low, … */
    static const struct {
        const char *alias;
        int cr;
        enum pin_role role;
    } aliases[] = {
        { "cr0-allowed", 0, ROLE_ALLOWED }, { "cr4-allowed", 4, ROLE_ALLOWED }, { "cr0-pin", 0, ROLE_PIN },
        { "cr4-pin", 4, ROLE_PIN },         { "cr0-pin-low", 0, ROLE_PIN_LOW }, { "cr4-pin-low", 4, ROLE_PIN_LOW },
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (!same(name, length, aliases[i].alias))
            continue;
        const struct pin_msr *msr = crpin_msr(revision, aliases[i].cr, aliases[i].role);
        if (msr == NULL)
            return false;
        *number = msr->number;
        return true;
    }
    return false;
}

enum msr_kind crpin_msr_kind(struct kvm_machine *machine, uint64_t number)
{
    const struct revision *revision = crpin_state(machine)->revision;
    if (msr_by_number(revision, number) != NULL)
        return MSR_HANDLED;
    for (unsigned i = 0; i < revision->other_msr_count; i++)
        if (revision->other_msrs[i].number == number)
            return MSR_UNMODELLED;
    return MSR_NOT_MINE;
}

static uint64_t *pin_register(struct kvm_vcpu *vcpu, const struct pin_msr *msr)
{
    struct crpin_vcpu *pins = crpin_vcpu(vcpu);
    return msr->role == ROLE_PIN_LOW ? &pins->pin_low[index_of(msr->cr)] : &pins->pin[index_of(msr->cr)];
}

bool crpin_rdmsr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, bool host, uint64_t *value)
{
    const struct revision *revision = crpin_state(machine)->revision;
    const struct pin_msr *msr = msr_by_number(revision, number);
    if (msr->role == ROLE_ALLOWED) {
        *value = allowed(revision, msr->cr);
        return true;
    }
    if (!host && !revision->pin_readable_by_guest)
        return false;
    *value = *pin_register(vcpu, msr);
    return true;
}

static bool write_allowed_msr(struct kvm_machine *machine, const struct revision *revision,
                              const struct pin_msr *msr, uint64_t value)
{
    switch (revision->allowed_write) {
    case ALLOWED_WRITE_UNHANDLED: return machine->ignore_msrs; /* the generic unknown-MSR path */
    case ALLOWED_WRITE_IGNORED: return true;
    case ALLOWED_WRITE_MUST_EQUAL: return value == allowed(revision, msr->cr);
    }
    return false;
}

bool crpin_wrmsr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t value, bool host)
{
    const struct revision *revision = crpin_state(machine)->revision;
    const struct pin_msr *msr = msr_by_number(revision, number);
    if (msr->role == ROLE_ALLOWED)
        return write_allowed_msr(machine, revision, msr, value);
    if (value & ~allowed(revision, msr->cr))
        return false;
    uint64_t *pin = pin_register(vcpu, msr);
    if (revision->opposite_pins_exclusive) {
        struct crpin_vcpu *pins = crpin_vcpu(vcpu);
        uint64_t opposite =
            msr->role == ROLE_PIN_LOW ? pins->pin[index_of(msr->cr)] : pins->pin_low[index_of(msr->cr)];
        if (value & opposite)
            return false;
    }
    /* The host replaces a pin outright; the guest may only add to it. */
    if (host) {
        *pin = value;
        return true;
    }
    switch (revision->guest_pin_write) {
    case GUEST_PIN_OR:
        *pin |= value;
        return true;
    case GUEST_PIN_REPLACE_KEEPING:
        if (*pin & ~value)
            return false;
        *pin = value;
        return true;
    }
    return false;
}

uint32_t crpin_cpuid_features(struct kvm_machine *machine)
{
    return machine->vmm.expose_cr_pin ? UINT32_C(1) << crpin_state(machine)->revision->feature_bit : 0;
}

/* Whether the revision's rule refuses `value` for a register currently holding `current`. */
static bool violates(const struct revision *revision, const struct crpin_vcpu *pins, int cr, uint64_t current,
                     uint64_t value)
{
    uint64_t pin = pins->pin[index_of(cr)];
    uint64_t pin_low = pins->pin_low[index_of(cr)];
    switch (revision->enforcement) {
    case ENFORCE_FREEZE: return ((value ^ current) & pin) != 0;
    case ENFORCE_FIX_ALLOWED: return pin != 0 && ((value ^ pin) & allowed(revision, cr)) != 0;
    case ENFORCE_ONES_ZEROS: return (pin & ~value) != 0 || (pin_low & value) != 0;
    }
    return false;
}

bool crpin_cr_write_refused(struct kvm_machine *machine, struct kvm_vcpu *vcpu, int cr, uint64_t value)
{
    const struct revision *revision = crpin_state(machine)->revision;
    if (vcpu->smm || (revision->exempt_in_guest_mode && vcpu->guest_mode))
        return false;
    return violates(revision, crpin_vcpu(vcpu), cr, cr == 0 ? vcpu->cr0 : vcpu->cr4, value);
}

void crpin_rsm_before_reload(struct kvm_machine *machine, struct kvm_vcpu *vcpu, struct smm_image *image)
{
    const struct revision *revision = crpin_state(machine)->revision;
    if (revision->rsm != RSM_FIXUP_IMAGE)
        return;
    const struct crpin_vcpu *pins = crpin_vcpu(vcpu);
    uint64_t *saved[2] = { &image->cr0, &image->cr4 };
    for (int i = PIN_CR0; i <= PIN_CR4; i++) {
        uint64_t pin = pins->pin[i];
        if (pin == 0)
            continue;
        uint64_t value = *saved[i];
        /* The 64-bit fix-up holds the saved value in a u32. */
        if (revision->rsm_fixup_truncates_64 && image->layout64)
            value &= UINT64_C(0xffffffff);
        uint64_t unpinned = allowed(revision, i == PIN_CR0 ? 0 : 4) & ~pin;
        *saved[i] = (value | pin) & ~unpinned;
    }
}

bool crpin_rsm_after_reload_refused(struct kvm_machine *machine, struct kvm_vcpu *vcpu)
{
    const struct revision *revision = crpin_state(machine)->revision;
    if (revision->rsm != RSM_CHECK_AFTER_LOAD)
        return false;
    const struct crpin_vcpu *pins = crpin_vcpu(vcpu);
    return (pins->pin[PIN_CR0] & ~vcpu->cr0) || (pins->pin_low[PIN_CR0] & vcpu->cr0) ||
           (pins->pin[PIN_CR4] & ~vcpu->cr4) || (pins->pin_low[PIN_CR4] & vcpu->cr4);
}

void crpin_vcpu_reset(struct kvm_machine *machine, struct kvm_vcpu *vcpu)
{
    if (crpin_state(machine)->revision->reset_clears_pins)
        memset(crpin_vcpu(vcpu), 0, sizeof(struct crpin_vcpu));
}

void crpin_nested_exit(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t *cr0, uint64_t *cr4)
{
    if (!crpin_state(machine)->revision->nested_exit_forces_pins)
        return;
    const struct crpin_vcpu *pins = crpin_vcpu(vcpu);
    *cr0 = (*cr0 | pins->pin[PIN_CR0]) & ~pins->pin_low[PIN_CR0];
    *cr4 = (*cr4 | pins->pin[PIN_CR4]) & ~pins->pin_low[PIN_CR4];
}

/* The QEMU patch moves the pin MSRs only when it exposes the feature (facts 13). */
static bool vmm_manages_pins(const struct kvm_machine *machine, bool duty)
{
    return machine->vmm.expose_cr_pin && duty;
}

void crpin_vmm_reset(struct kvm_machine *machine, void *state)
{
    struct crpin_state *crpin = state;
    if (vmm_manages_pins(machine, machine->vmm.zeroes_pins_on_reset)) {
        for (unsigned i = 0; i < machine->vcpu_count; i++) {
            struct kvm_vcpu *vcpu = &machine->vcpus[i];
            for (unsigned m = 0; m < crpin->revision->msr_count; m++)
                if (crpin->revision->msrs[m].role != ROLE_ALLOWED)
                    crpin_wrmsr(machine, vcpu, crpin->revision->msrs[m].number, 0, true);
        }
    }
    /* The machine restarts: no kernel runs until the next guest_boot. */
    crpin->running = false;
    crpin->pv = PV_UNKNOWN;
    crpin->kexec_load_disabled = false;
    crpin->crashkernel_reserved = false;
    crpin->native_pinning = false;
    crpin->native_cr4_pinned_bits = 0;
    crpin->kexec_loaded = false;
}

void crpin_vmm_migrate(struct kvm_machine *machine, void *state)
{
    (void)state;
    /* The destination's vCPUs start without pins; the VMM carries them over only when it manages them. */
    if (vmm_manages_pins(machine, machine->vmm.migrates_pins))
        return;
    for (unsigned i = 0; i < machine->vcpu_count; i++)
        memset(crpin_vcpu(&machine->vcpus[i]), 0, sizeof(struct crpin_vcpu));
}
