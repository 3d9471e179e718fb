/*
 * The CR-pinning series in each revision, in one table: MSR numbers, the
 * feature bit, what each MSR write does, the enforcement rule, the SMM, INIT
 * and nested behaviour, and the guest kernel side.
 */
#ifndef HVABI_CRPIN_REVISION_H
#define HVABI_CRPIN_REVISION_H

#include <stdbool.h>
#include <stdint.h>

enum pin_role { ROLE_ALLOWED, ROLE_PIN, ROLE_PIN_LOW };

struct pin_msr {
    const char *name;
    uint64_t number;
    /* 0 or 4 */
    int cr;
    enum pin_role role;
};

struct named_msr {
    const char *name;
    uint64_t number;
};

enum allowed_write { ALLOWED_WRITE_UNHANDLED, ALLOWED_WRITE_IGNORED, ALLOWED_WRITE_MUST_EQUAL };
enum guest_pin_write { GUEST_PIN_OR, GUEST_PIN_REPLACE_KEEPING };
enum enforcement { ENFORCE_FREEZE, ENFORCE_FIX_ALLOWED, ENFORCE_ONES_ZEROS };
enum rsm_hook { RSM_NO_HOOK, RSM_FIXUP_IMAGE, RSM_CHECK_AFTER_LOAD };
enum guest_kconfig { KCONFIG_DEPENDS_ON_NO_KEXEC, KCONFIG_SELECTED_BY_KVM_GUEST };
enum guest_kexec { KEXEC_NO_LOGIC, KEXEC_DISABLED_ON_OPT_IN, KEXEC_IMAGE_FLAG };

struct revision {
    unsigned feature_bit;
    const struct pin_msr *msrs;
    unsigned msr_count;
    /* MSRs of KVM's range the revision's base kernel defines for other features. */
    const struct named_msr *other_msrs;
    unsigned other_msr_count;
    uint64_t allowed_cr0;
    uint64_t allowed_cr4;
    enum allowed_write allowed_write;
    bool pin_readable_by_guest;
    enum guest_pin_write guest_pin_write;
    bool opposite_pins_exclusive;
    enum enforcement enforcement;
    bool exempt_in_guest_mode;
    enum rsm_hook rsm;
    bool rsm_fixup_truncates_64;
    bool reset_clears_pins;
    bool nested_exit_forces_pins;
    struct {
        enum guest_kconfig kconfig;
        /* NULL when the revision has no opt-in word. */
        const char *opt_in_word;
        bool crashkernel_ignored_with_opt_in;
        enum guest_kexec kexec;
        /* Kernels built with pinning keep the protection bits through kexec and early boot. */
        bool pin_safe_kexec;
    } guest;
};

/* The revision a profile models, or NULL when the profile has no CR pinning. */
const struct revision *crpin_revision(int profile);

#endif
