#include "machine.h"

#include <stdio.h>
#include <string.h>

#include "../xen/state_key.h"
#include "arch.h"
#include "area.h"
#include "kvm_machine.h"
#include "msr.h"
#include "ops.h"
#include "smm.h"

static const char *const hypervisor_names[] = { "xen", "kvm", NULL };
static const char *const vendor_names[] = { "intel", "amd", "hygon", NULL };

/* config.cpu.features names, in enum cpu_feature order. */
static const char *const feature_names[FEATURE_COUNT] = {
    [FEATURE_XSAVE] = "xsave", [FEATURE_SMEP] = "smep",     [FEATURE_SMAP] = "smap",   [FEATURE_FSGSBASE] = "fsgsbase",
    [FEATURE_PKU] = "pku",     [FEATURE_LA57] = "la57",     [FEATURE_UMIP] = "umip",   [FEATURE_VMX] = "vmx",
    [FEATURE_SVM] = "svm",     [FEATURE_PCID] = "pcid",     [FEATURE_LAM] = "lam",     [FEATURE_CET_SS] = "cet_ss",
    [FEATURE_CET_IBT] = "cet_ibt", [FEATURE_FRED] = "fred", [FEATURE_LM] = "lm",       [FEATURE_NX] = "nx",
};

struct kvm_vcpu *kvm_step_vcpu(struct kvm_machine *machine, struct arg_object args)
{
    int64_t index = 0;
    arg_int_optional(machine->run, args, "vcpu", 0, KVM_MAX_VCPUS - 1, &index);
    if ((unsigned)index >= machine->vcpu_count)
        case_fail(machine->run, "args.vcpu is %lld, but the VM has %u vCPU%s (config.kvm.vcpus)", (long long)index,
                  machine->vcpu_count, machine->vcpu_count == 1 ? "" : "s");
    return &machine->vcpus[index];
}

struct log_entry *kvm_console(struct kvm_machine *machine, const char *msg)
{
    return machine->console != NULL ? outcome_log(machine->run, machine->console, msg) : NULL;
}

static void read_cpu(struct case_run *run, struct arg_object config, struct kvm_cpu *cpu)
{
    struct arg_object cpu_config = arg_object(run, config, "cpu");
    cpu->amd = arg_enum(run, cpu_config, "vendor", vendor_names) != 0;
    struct arg_object features = arg_object(run, cpu_config, "features");
    for (int feature = 0; feature < FEATURE_COUNT; feature++)
        cpu->has[feature] = arg_bool(run, features, feature_names[feature]);
}

static void *create(struct case_run *run, struct arg_object config)
{
    if (arg_enum(run, config, "hypervisor", hypervisor_names) != 1)
        case_fail(run, "config.hypervisor must be \"kvm\" for a case of a KVM area");
    struct kvm_machine *machine = case_zalloc(run, sizeof *machine);
    machine->run = run;
    machine->profile = run->profile;
    machine->config = config;
    read_cpu(run, config, &machine->cpu);
    struct arg_object kvm = arg_object(run, config, "kvm");
    machine->vcpu_count = (unsigned)arg_int(run, kvm, "vcpus", 1, KVM_MAX_VCPUS);
    machine->ignore_msrs = arg_bool(run, kvm, "ignoreMsrs");
    struct arg_object vmm = arg_object(run, kvm, "vmm");
    machine->vmm.expose_cr_pin = arg_bool(run, vmm, "exposeCrPin");
    machine->vmm.zeroes_pins_on_reset = arg_bool(run, vmm, "zeroesPinsOnReset");
    machine->vmm.migrates_pins = arg_bool(run, vmm, "migratesPins");
    for (unsigned i = 0; i < machine->vcpu_count; i++) {
        struct kvm_vcpu *vcpu = &machine->vcpus[i];
        vcpu->index = i;
        for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
            if (kvm_areas[slot]->vcpu_state_size > 0)
                vcpu->area_state[slot] = case_zalloc(run, kvm_areas[slot]->vcpu_state_size);
    }
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++) {
        if (kvm_areas[slot]->machine_state_size > 0)
            machine->area_state[slot] = case_zalloc(run, kvm_areas[slot]->machine_state_size);
        if (kvm_areas[slot]->create != NULL)
            kvm_areas[slot]->create(machine, machine->area_state[slot]);
    }
    return machine;
}

/* Before the first step: a bare test program's state (config.kvm.vcpu), or power-on when the case boots a guest. */
static void start(struct kvm_machine *machine, const char *first_op)
{
    machine->started = true;
    if (strcmp(first_op, "guest_boot") == 0) {
        for (unsigned i = 0; i < machine->vcpu_count; i++)
            kvm_load_reset_state(&machine->vcpus[i]);
        return;
    }
    struct case_run *run = machine->run;
    struct arg_object state = arg_object(run, arg_object(run, machine->config, "kvm"), "vcpu");
    struct kvm_sregs sregs = {
        .cr0 = arg_hex64(run, state, "cr0"),
        .cr3 = arg_hex64(run, state, "cr3"),
        .cr4 = arg_hex64(run, state, "cr4"),
        .efer = arg_hex64(run, state, "efer"),
        .cs64 = arg_bool(run, state, "cs64"),
    };
    for (unsigned i = 0; i < machine->vcpu_count; i++)
        if (!kvm_set_sregs(machine, &machine->vcpus[i], &sregs))
            case_fail(run, "config.kvm.vcpu is not a state KVM_SET_SREGS accepts for this CPU (cr0 0x%llx, cr4 0x%llx, "
                           "efer 0x%llx, cs64 %s)",
                      (unsigned long long)sregs.cr0, (unsigned long long)sregs.cr4, (unsigned long long)sregs.efer,
                      sregs.cs64 ? "true" : "false");
}

static const struct kvm_op *find_op(const char *name, size_t length)
{
    const struct kvm_op *lists[2 + KVM_AREA_COUNT] = { kvm_instruction_ops, kvm_vmm_ops };
    size_t counts[2 + KVM_AREA_COUNT] = { kvm_instruction_op_count, kvm_vmm_op_count };
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++) {
        lists[2 + slot] = kvm_areas[slot]->ops;
        counts[2 + slot] = kvm_areas[slot]->op_count;
    }
    for (size_t l = 0; l < 2 + KVM_AREA_COUNT; l++)
        for (size_t i = 0; i < counts[l]; i++)
            if (strlen(lists[l][i].name) == length && memcmp(lists[l][i].name, name, length) == 0)
                return &lists[l][i];
    return NULL;
}

static bool has_operation(const char *op, size_t length)
{
    return find_op(op, length) != NULL;
}

static void list_operations(void (*emit)(void *context, const char *name), void *context)
{
    for (size_t i = 0; i < kvm_instruction_op_count; i++)
        emit(context, kvm_instruction_ops[i].name);
    for (size_t i = 0; i < kvm_vmm_op_count; i++)
        emit(context, kvm_vmm_ops[i].name);
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        for (size_t i = 0; i < kvm_areas[slot]->op_count; i++)
            emit(context, kvm_areas[slot]->ops[i].name);
}

static void step(void *instance, struct case_run *run, int index, const char *op, struct arg_object args,
                 struct step_outcome *outcome)
{
    (void)index;
    struct kvm_machine *machine = instance;
    if (!machine->started)
        start(machine, op);
    const struct kvm_op *found = find_op(op, strlen(op));
    if (found == NULL)
        case_fail(run, "the KVM machine has no operation %s", op);
    struct kvm_step context = { machine, run, args, outcome };
    machine->console = outcome;
    found->run(&context);
    machine->console = NULL;
}

/* vcpu{n}.cr0 … vcpu{n}.smram.u64[{addr}] */
static bool read_vcpu_key(struct kvm_machine *machine, const char *key, size_t length, struct value *value)
{
    struct key_cursor cursor = key_cursor(key, length);
    uint64_t index;
    if (!key_take(&cursor, "vcpu") || !key_take_decimal(&cursor, UINT64_MAX, &index) || !key_take(&cursor, "."))
        return false;
    if (index >= machine->vcpu_count) {
        *value = value_absent();
        return true;
    }
    struct kvm_vcpu *vcpu = &machine->vcpus[index];
    static const char *const registers[] = { "cr0", "cr3", "cr4", "efer" };
    const uint64_t contents[] = { vcpu->cr0, vcpu->cr3, vcpu->cr4, vcpu->efer };
    for (size_t i = 0; i < sizeof registers / sizeof registers[0]; i++) {
        if (key_is(&cursor, registers[i])) {
            *value = value_hex64(contents[i]);
            return true;
        }
    }
    if (key_is(&cursor, "cs64") || key_is(&cursor, "smm") || key_is(&cursor, "guestMode")) {
        *value = value_bool(key_is(&cursor, "cs64") ? vcpu->cs64 : key_is(&cursor, "smm") ? vcpu->smm : vcpu->guest_mode);
        return true;
    }
    uint64_t number;
    bool by_number = key_take(&cursor, "msr[") && key_take_hex(&cursor, &number) && key_is(&cursor, "]");
    if (!by_number && key_take(&cursor, "msr.")) {
        if (!kvm_msr_by_name(machine, cursor.at, (size_t)(cursor.end - cursor.at), &number))
            case_fail(machine->run, "observe.state names MSR %.*s, which the profile's revision does not define",
                      (int)(cursor.end - cursor.at), cursor.at);
        by_number = true;
    }
    if (by_number) {
        uint64_t read;
        *value = kvm_host_get_msr(machine, vcpu, number, &read) ? value_hex64(read) : value_absent();
        return true;
    }
    unsigned size = key_take(&cursor, "smram.u32[") ? 4 : key_take(&cursor, "smram.u64[") ? 8 : 0;
    uint64_t offset;
    if (size != 0 && key_take_hex(&cursor, &offset) && key_is(&cursor, "]")) {
        uint64_t read;
        if (!smram_read(vcpu, offset, size, &read))
            case_fail(machine->run, "observe.state reads SMRAM offset 0x%llx, outside the save-state area 0x7e00-0x7fff",
                      (unsigned long long)offset);
        *value = value_hex64(read);
        return true;
    }
    return false;
}

static struct value read_state(void *instance, struct case_run *run, const char *key, size_t length)
{
    struct kvm_machine *machine = instance;
    struct value value = value_absent();
    if (read_vcpu_key(machine, key, length, &value))
        return value;
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        if (kvm_areas[slot]->read_state != NULL &&
            kvm_areas[slot]->read_state(machine, machine->area_state[slot], key, length, &value))
            return value;
    case_fail(run, "observe.state names \"%.*s\", which is not a state key this core knows",
              (int)(length > 200 ? 200 : length), key);
}

static const struct machine_area machine_areas[] = {
#define KVM_MACHINE_AREA(slot, name, object, profiles) { name, profiles },
#include "area_list.h"
#undef KVM_MACHINE_AREA
};

const struct machine kvm_machine = {
    .name = "kvm",
    .areas = machine_areas,
    .area_count = sizeof machine_areas / sizeof machine_areas[0],
    .list_operations = list_operations,
    .has_operation = has_operation,
    .create = create,
    .step = step,
    .read_state = read_state,
};
