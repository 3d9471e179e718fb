#include "revision.h"

#include "../../kvm/bits.h"
#include "../../registry.h"

/*
 * Numbers from cr-pinning-and-x86-facts 3 and 4: rfc-v1/v2 put the four MSRs
 * at 0x4b564d06-09 and use feature bit 14; v3 moved to 0x4b564d08-0d and bit
 * 15 because ASYNC_PF_INT took 14 and 0x4b564d06-07 in between.
 */
static const struct pin_msr rfc_msrs[] = {
    { "MSR_KVM_CR0_PIN_ALLOWED", 0x4b564d06, 0, ROLE_ALLOWED },
    { "MSR_KVM_CR4_PIN_ALLOWED", 0x4b564d07, 4, ROLE_ALLOWED },
    { "MSR_KVM_CR0_PINNED", 0x4b564d08, 0, ROLE_PIN },
    { "MSR_KVM_CR4_PINNED", 0x4b564d09, 4, ROLE_PIN },
};

static const struct pin_msr v3_msrs[] = {
    { "MSR_KVM_CR0_PIN_ALLOWED", 0x4b564d08, 0, ROLE_ALLOWED },
    { "MSR_KVM_CR4_PIN_ALLOWED", 0x4b564d09, 4, ROLE_ALLOWED },
    { "MSR_KVM_CR0_PINNED_LOW", 0x4b564d0a, 0, ROLE_PIN_LOW },
    { "MSR_KVM_CR0_PINNED_HIGH", 0x4b564d0b, 0, ROLE_PIN },
    { "MSR_KVM_CR4_PINNED_LOW", 0x4b564d0c, 4, ROLE_PIN_LOW },
    { "MSR_KVM_CR4_PINNED_HIGH", 0x4b564d0d, 4, ROLE_PIN },
};

/* The base kernels' other paravirtual MSRs (arch/x86/include/uapi/asm/kvm_para.h). */
static const struct named_msr rfc_other_msrs[] = {
    { "MSR_KVM_WALL_CLOCK_NEW", 0x4b564d00 }, { "MSR_KVM_SYSTEM_TIME_NEW", 0x4b564d01 },
    { "MSR_KVM_ASYNC_PF_EN", 0x4b564d02 },    { "MSR_KVM_STEAL_TIME", 0x4b564d03 },
    { "MSR_KVM_PV_EOI_EN", 0x4b564d04 },      { "MSR_KVM_POLL_CONTROL", 0x4b564d05 },
};

static const struct named_msr v3_other_msrs[] = {
    { "MSR_KVM_WALL_CLOCK_NEW", 0x4b564d00 }, { "MSR_KVM_SYSTEM_TIME_NEW", 0x4b564d01 },
    { "MSR_KVM_ASYNC_PF_EN", 0x4b564d02 },    { "MSR_KVM_STEAL_TIME", 0x4b564d03 },
    { "MSR_KVM_PV_EOI_EN", 0x4b564d04 },      { "MSR_KVM_POLL_CONTROL", 0x4b564d05 },
    { "MSR_KVM_ASYNC_PF_INT", 0x4b564d06 },   { "MSR_KVM_ASYNC_PF_ACK", 0x4b564d07 },
};

#define COUNT(array) (unsigned)(sizeof array / sizeof array[0])

/* Every revision lets WP and SMEP|SMAP|UMIP be pinned (facts 6). */
#define ALLOWED_CR0 CR0_WP
#define ALLOWED_CR4 (CR4_SMEP | CR4_SMAP | CR4_UMIP)

static const struct revision rfc_v1 = {
    .feature_bit = 14,
    .msrs = rfc_msrs, .msr_count = COUNT(rfc_msrs),
    .other_msrs = rfc_other_msrs, .other_msr_count = COUNT(rfc_other_msrs),
    .allowed_cr0 = ALLOWED_CR0, .allowed_cr4 = ALLOWED_CR4,
    .allowed_write = ALLOWED_WRITE_UNHANDLED,   /* facts 7: no case for the ALLOWED MSRs */
    .pin_readable_by_guest = false,             /* facts 7: "The guest may never read pinned bits" */
    .guest_pin_write = GUEST_PIN_OR,
    .opposite_pins_exclusive = false,
    .enforcement = ENFORCE_FREEZE,              /* facts 8 */
    .exempt_in_guest_mode = false,
    .rsm = RSM_NO_HOOK,
    .rsm_fixup_truncates_64 = false,
    .reset_clears_pins = false,                 /* facts 8: no reset hook */
    .nested_exit_forces_pins = false,
    .guest = { KCONFIG_DEPENDS_ON_NO_KEXEC, NULL, false, KEXEC_NO_LOGIC, false },
};

static const struct revision rfc_v2 = {
    .feature_bit = 14,
    .msrs = rfc_msrs, .msr_count = COUNT(rfc_msrs),
    .other_msrs = rfc_other_msrs, .other_msr_count = COUNT(rfc_other_msrs),
    .allowed_cr0 = ALLOWED_CR0, .allowed_cr4 = ALLOWED_CR4,
    .allowed_write = ALLOWED_WRITE_IGNORED,     /* facts 9 */
    .pin_readable_by_guest = true,
    .guest_pin_write = GUEST_PIN_OR,
    .opposite_pins_exclusive = false,
    .enforcement = ENFORCE_FIX_ALLOWED,         /* facts 10 */
    .exempt_in_guest_mode = false,
    .rsm = RSM_FIXUP_IMAGE,                     /* facts 11 */
    .rsm_fixup_truncates_64 = true,
    .reset_clears_pins = true,                  /* facts 12 */
    .nested_exit_forces_pins = false,
    .guest = { KCONFIG_SELECTED_BY_KVM_GUEST, "pv_cr_pin", true, KEXEC_DISABLED_ON_OPT_IN, false },
};

/* RFC v2 as posted, with the kexec opt-in matrix its cover letter lays out (seed 003). */
static const struct revision seed = {
    .feature_bit = 14,
    .msrs = rfc_msrs, .msr_count = COUNT(rfc_msrs),
    .other_msrs = rfc_other_msrs, .other_msr_count = COUNT(rfc_other_msrs),
    .allowed_cr0 = ALLOWED_CR0, .allowed_cr4 = ALLOWED_CR4,
    .allowed_write = ALLOWED_WRITE_IGNORED,
    .pin_readable_by_guest = true,
    .guest_pin_write = GUEST_PIN_OR,
    .opposite_pins_exclusive = false,
    .enforcement = ENFORCE_FIX_ALLOWED,
    .exempt_in_guest_mode = false,
    .rsm = RSM_FIXUP_IMAGE,
    .rsm_fixup_truncates_64 = true,
    .reset_clears_pins = true,
    .nested_exit_forces_pins = false,
    .guest = { KCONFIG_SELECTED_BY_KVM_GUEST, "pv_cr_pin", true, KEXEC_IMAGE_FLAG, true },
};

static const struct revision v3 = {
    .feature_bit = 15,
    .msrs = v3_msrs, .msr_count = COUNT(v3_msrs),
    .other_msrs = v3_other_msrs, .other_msr_count = COUNT(v3_other_msrs),
    .allowed_cr0 = ALLOWED_CR0, .allowed_cr4 = ALLOWED_CR4,
    .allowed_write = ALLOWED_WRITE_MUST_EQUAL,  /* facts 18 */
    .pin_readable_by_guest = true,
    .guest_pin_write = GUEST_PIN_REPLACE_KEEPING,
    .opposite_pins_exclusive = true,
    .enforcement = ENFORCE_ONES_ZEROS,          /* facts 17 */
    .exempt_in_guest_mode = true,
    .rsm = RSM_CHECK_AFTER_LOAD,                /* facts 19 */
    .rsm_fixup_truncates_64 = false,
    .reset_clears_pins = true,                  /* facts 20 */
    .nested_exit_forces_pins = true,
    .guest = { KCONFIG_SELECTED_BY_KVM_GUEST, "pv_cr_pin", true, KEXEC_DISABLED_ON_OPT_IN, false },
};

const struct revision *crpin_revision(int profile)
{
    switch (profile) {
    case PROFILE_CRPIN_RFC_V1: return &rfc_v1;
    case PROFILE_CRPIN_RFC_V2: return &rfc_v2;
    case PROFILE_SEED_PROPOSALS: return &seed;
    case PROFILE_CRPIN_V3: return &v3;
    default: return NULL;
    }
}
