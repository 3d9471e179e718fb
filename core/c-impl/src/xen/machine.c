#include "machine.h"

#include <stdio.h>
#include <string.h>

#include "area.h"
#include "cmdline.h"
#include "domain.h"
#include "errno.h"
#include "memory.h"
#include "model.h"
#include "state_key.h"

/* The machine for one case: the host plus the parts of the configuration boot needs. */
struct xen_machine {
    struct xen_host host;
    const struct json_value *cmdline;
    const struct json_value *builtin_cmdline;
    bool cmdline_override;
    const struct json_value *domains;
};

static const char *const arch_names[] = { "x86_64", "arm64", NULL };
static const char *const build_names[] = { "debug", "release", NULL };
static const char *const hypervisor_names[] = { "xen", "kvm", NULL };

static void read_build(struct case_run *run, struct arg_object xen, struct xen_build *build)
{
    build->arch = (enum xen_arch)arg_enum(run, xen, "arch", arch_names);
    build->debug = arg_enum(run, xen, "build", build_names) == 0;
    struct arg_object kconfig = arg_object(run, xen, "kconfig");
    bool x86 = build->arch == XEN_ARCH_X86_64;
    build->pv = x86 && arg_bool(run, kconfig, "PV");
    build->pv32 = build->pv && arg_bool(run, kconfig, "PV32");
    build->hvm = !x86 || arg_bool(run, kconfig, "HVM");
    build->grant_table = arg_bool(run, kconfig, "GRANT_TABLE");
}

static void *create(struct case_run *run, struct arg_object config)
{
    if (arg_enum(run, config, "hypervisor", hypervisor_names) != 0)
        case_fail(run, "config.hypervisor must be \"xen\" for a case of a Xen area");
    struct xen_machine *machine = case_zalloc(run, sizeof *machine);
    struct xen_host *host = &machine->host;
    host->run = run;
    host->profile = run->profile;
    frames_init(&host->frames);
    struct arg_object xen = arg_object(run, config, "xen");
    read_build(run, xen, &host->build);
    machine->cmdline = arg_string(run, xen, "cmdline");
    machine->builtin_cmdline = arg_string(run, xen, "builtinCmdline");
    machine->cmdline_override = arg_bool(run, xen, "cmdlineOverride");
    machine->domains = arg_array(run, config, "domains");
    for (int slot = 0; slot < XEN_AREA_COUNT; slot++)
        if (xen_areas[slot]->host_state_size > 0)
            host->area_state[slot] = case_zalloc(run, xen_areas[slot]->host_state_size);
    return machine;
}

static void create_configured_domains(struct xen_machine *machine)
{
    struct xen_host *host = &machine->host;
    size_t index = 0;
    for (const struct json_value *item = machine->domains->u.first; item != NULL; item = item->next, index++) {
        char where[48];
        snprintf(where, sizeof where, "config.domains[%zu]", index);
        if (item->type != JSON_OBJECT)
            case_fail(host->run, "%s must be an object, found %s", where, json_type_name(item));
        struct arg_object config = { item, case_strndup(host->run, where, strlen(where)) };
        uint32_t domid;
        int rc = xen_create_domain(host, config, &domid);
        if (rc != 0)
            case_fail(host->run,
                      "%s could not be created (%s); configured domains must be valid, test creation failures "
                      "with a create_domain step",
                      where, xen_result_name(rc));
    }
}

/* Boot: defaults, CONFIG_CMDLINE, then the bootloader's command line; then the configured domains. */
static void boot(struct xen_machine *machine)
{
    struct xen_host *host = &machine->host;
    for (int slot = 0; slot < XEN_AREA_COUNT; slot++)
        if (xen_areas[slot]->boot != NULL)
            xen_areas[slot]->boot(host, host->area_state[slot]);
    if (machine->builtin_cmdline->length > 0)
        xen_parse_cmdline(host, machine->builtin_cmdline->u.string, machine->builtin_cmdline->length);
    if (!machine->cmdline_override)
        xen_parse_cmdline(host, machine->cmdline->u.string, machine->cmdline->length);
    host->booted = true;
    create_configured_domains(machine);
}

static void create_domain_op(struct xen_step *step)
{
    uint32_t domid;
    int rc = xen_create_domain(step->host, step->args, &domid);
    step->outcome->result = xen_result_name(rc);
    if (rc == 0)
        outcome_return(step->outcome, "domid", value_int(domid));
}

static void physinfo_op(struct xen_step *step)
{
    for (int slot = 0; slot < XEN_AREA_COUNT; slot++)
        if (xen_areas[slot]->physinfo != NULL)
            xen_areas[slot]->physinfo(step->host, step->host->area_state[slot], step->outcome);
}

static const struct xen_op machine_ops[] = {
    { "create_domain", create_domain_op },
    { "physinfo", physinfo_op },
};

static const struct xen_op *find_op(const char *name, size_t length)
{
    const struct xen_op *lists[2 + XEN_AREA_COUNT] = { machine_ops, xen_memory_ops };
    size_t counts[2 + XEN_AREA_COUNT] = { sizeof machine_ops / sizeof machine_ops[0], xen_memory_op_count };
    for (int slot = 0; slot < XEN_AREA_COUNT; slot++) {
        lists[2 + slot] = xen_areas[slot]->ops;
        counts[2 + slot] = xen_areas[slot]->op_count;
    }
    for (size_t l = 0; l < 2 + XEN_AREA_COUNT; l++)
        for (size_t i = 0; i < counts[l]; i++)
            if (strlen(lists[l][i].name) == length && memcmp(lists[l][i].name, name, length) == 0)
                return &lists[l][i];
    return NULL;
}

static bool has_operation(const char *op, size_t length)
{
    return (length == 4 && memcmp(op, "boot", 4) == 0) || find_op(op, length) != NULL;
}

static void list_operations(void (*emit)(void *context, const char *name), void *context)
{
    emit(context, "boot");
    for (size_t i = 0; i < sizeof machine_ops / sizeof machine_ops[0]; i++)
        emit(context, machine_ops[i].name);
    for (size_t i = 0; i < xen_memory_op_count; i++)
        emit(context, xen_memory_ops[i].name);
    for (int slot = 0; slot < XEN_AREA_COUNT; slot++)
        for (size_t i = 0; i < xen_areas[slot]->op_count; i++)
            emit(context, xen_areas[slot]->ops[i].name);
}

static void step(void *instance, struct case_run *run, int index, const char *op, struct arg_object args,
                 struct step_outcome *outcome)
{
    struct xen_machine *machine = instance;
    struct xen_host *host = &machine->host;
    if (strcmp(op, "boot") == 0) {
        if (host->booted)
            case_fail(run, "boot may only be the first step (step %d boots again)", index);
        host->console = outcome;
        boot(machine);
        host->console = NULL;
        return;
    }
    if (!host->booted) {
        /* Implicit: its messages are not this step's, and its failures say where they come from. */
        const char *op_name = run->op_name;
        run->op_name = "implicit boot";
        boot(machine);
        run->op_name = op_name;
    }
    const struct xen_op *found = find_op(op, strlen(op));
    if (found == NULL)
        case_fail(run, "the Xen machine has no operation %s", op);
    struct xen_step context = { host, run, args, outcome };
    host->console = outcome;
    found->run(&context);
    host->console = NULL;
}

static const char *const domain_type_names[] = { "pv64", "pv32", "hvm" };

/* d{domid}.exists, d{domid}.type, d{domid}.owns[{frame}] */
static bool read_domain_key(struct xen_host *host, const char *key, size_t length, struct value *value)
{
    struct key_cursor cursor = key_cursor(key, length);
    uint64_t domid;
    if (!key_take_domain(&cursor, &domid))
        return false;
    const struct xen_domain *domain = domid <= DOMID_MAX ? xen_domain_by_id(host, (uint32_t)domid) : NULL;
    if (key_is(&cursor, "exists")) {
        *value = value_bool(domain != NULL);
        return true;
    }
    if (key_is(&cursor, "type")) {
        *value = domain != NULL ? value_text(domain_type_names[domain->type]) : value_absent();
        return true;
    }
    uint64_t frame;
    if (key_take(&cursor, "owns[") && key_take_hex(&cursor, &frame) && key_is(&cursor, "]")) {
        *value = value_bool(domain != NULL && frame_owner(host, frame) == domain->domid);
        return true;
    }
    return false;
}

static struct value read_state(void *instance, struct case_run *run, const char *key, size_t length)
{
    struct xen_machine *machine = instance;
    struct xen_host *host = &machine->host;
    struct value value = value_absent();
    if (read_domain_key(host, key, length, &value))
        return value;
    for (int slot = 0; slot < XEN_AREA_COUNT; slot++)
        if (xen_areas[slot]->read_state != NULL &&
            xen_areas[slot]->read_state(host, host->area_state[slot], key, length, &value))
            return value;
    case_fail(run, "observe.state names \"%.*s\", which is not a state key this core knows", (int)(length > 200 ? 200 : length), key);
}

static const struct machine_area machine_areas[] = {
#define XEN_MACHINE_AREA(slot, name, object, profiles) { name, profiles },
#include "area_list.h"
#undef XEN_MACHINE_AREA
};

const struct machine xen_machine = {
    .name = "xen",
    .areas = machine_areas,
    .area_count = sizeof machine_areas / sizeof machine_areas[0],
    .list_operations = list_operations,
    .has_operation = has_operation,
    .create = create,
    .step = step,
    .read_state = read_state,
};
