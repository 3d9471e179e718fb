/* The CR-pinning area of the KVM machine: its hooks, operations and guest.* state keys. */
#include "../../xen/state_key.h"
#include "crpin.h"

static void create(struct kvm_machine *machine, void *state)
{
    struct crpin_state *crpin = state;
    crpin->revision = crpin_revision(machine->profile);
    if (crpin->revision == NULL)
        case_fail(machine->run, "profile %s has no CR-pinning revision", profile_name(machine->profile));
    struct arg_object kvm = arg_object(machine->run, machine->config, "kvm");
    kernel_image_read(machine->run, arg_object(machine->run, kvm, "guest"), &crpin->boot_image);
    crpin->pv = PV_UNKNOWN;
}

static const char *const pv_names[] = {
    [PV_NOT_BUILT] = "not-built",
    [PV_NOT_REQUESTED] = "not-requested",
    [PV_HOST_LACKS_FEATURE] = "host-lacks-feature",
    [PV_ENABLED] = "enabled",
};

static bool read_state(struct kvm_machine *machine, void *state, const char *key, size_t length, struct value *value)
{
    (void)machine;
    const struct crpin_state *crpin = state;
    struct key_cursor cursor = key_cursor(key, length);
    if (!key_take(&cursor, "guest."))
        return false;
    if (key_is(&cursor, "running")) {
        *value = value_bool(crpin->running);
        return true;
    }
    /* The rest describe the running kernel: absent while none runs. */
    static const char *const fields[] = { "pvCrPin", "kexecLoadDisabled", "crashkernelReserved", "nativePinning",
                                          "nativeCr4PinnedBits", "kexecLoaded", NULL };
    bool known = false;
    for (int i = 0; fields[i] != NULL; i++)
        known = known || key_is(&cursor, fields[i]);
    if (!known)
        return false;
    if (!crpin->running)
        *value = value_absent();
    else if (key_is(&cursor, "pvCrPin"))
        *value = crpin->pv == PV_UNKNOWN ? value_absent() : value_text(pv_names[crpin->pv]);
    else if (key_is(&cursor, "kexecLoadDisabled"))
        *value = value_bool(crpin->kexec_load_disabled);
    else if (key_is(&cursor, "crashkernelReserved"))
        *value = value_bool(crpin->crashkernel_reserved);
    else if (key_is(&cursor, "nativePinning"))
        *value = value_bool(crpin->native_pinning);
    else if (key_is(&cursor, "nativeCr4PinnedBits"))
        *value = value_hex64(crpin->native_cr4_pinned_bits);
    else if (key_is(&cursor, "kexecLoaded"))
        *value = value_bool(crpin->kexec_loaded);
    else
        return false;
    return true;
}

static const struct kvm_op ops[] = {
    { "guest_boot", crpin_guest_boot_op },
    { "guest_online_cpu", crpin_guest_online_cpu_op },
    { "guest_write_cr", crpin_guest_write_cr_op },
    { "guest_kexec_load", crpin_guest_kexec_load_op },
    { "guest_kexec_exec", crpin_guest_kexec_exec_op },
};

const struct kvm_area crpin_area = {
    .name = "crpin",
    .machine_state_size = sizeof(struct crpin_state),
    .vcpu_state_size = sizeof(struct crpin_vcpu),
    .create = create,
    .msr_by_name = crpin_msr_by_name,
    .msr_kind = crpin_msr_kind,
    .rdmsr = crpin_rdmsr,
    .wrmsr = crpin_wrmsr,
    .cpuid_features = crpin_cpuid_features,
    .cr_write_refused = crpin_cr_write_refused,
    .rsm_before_reload = crpin_rsm_before_reload,
    .rsm_after_reload_refused = crpin_rsm_after_reload_refused,
    .vcpu_reset = crpin_vcpu_reset,
    .nested_exit = crpin_nested_exit,
    .vmm_reset = crpin_vmm_reset,
    .vmm_migrate = crpin_vmm_migrate,
    .ops = ops,
    .op_count = sizeof ops / sizeof ops[0],
    .read_state = read_state,
};
