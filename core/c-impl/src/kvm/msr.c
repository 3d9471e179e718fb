#include "msr.h"

#include <string.h>

#include "../protocol/args.h"
#include "arch.h"
#include "area.h"
#include "bits.h"

enum msr_owner { OWNER_EFER, OWNER_AREA, OWNER_UNHANDLED };

static bool same(const char *text, size_t length, const char *name)
{
    return strlen(name) == length && memcmp(text, name, length) == 0;
}

bool kvm_msr_by_name(struct kvm_machine *machine, const char *name, size_t length, uint64_t *number)
{
    if (same(name, length, "MSR_EFER")) {
        *number = MSR_EFER;
        return true;
    }
    for (int slot = 0; slot < KVM_AREA_COUNT; slot++)
        if (kvm_areas[slot]->msr_by_name != NULL && kvm_areas[slot]->msr_by_name(machine, name, length, number))
            return true;
    return false;
}

uint64_t kvm_msr_argument(struct kvm_machine *machine, const struct json_value *value, const char *where)
{
    if (value == NULL || value->type != JSON_STRING)
        case_fail(machine->run, "%s must be an MSR number (\"0x…\") or name, found %s", where, json_type_name(value));
    uint64_t number;
    if (parse_hex64(value->u.string, value->length, &number))
        return number;
    if (kvm_msr_by_name(machine, value->u.string, value->length, &number))
        return number;
    case_fail(machine->run, "%s names %.60s, which the profile's revision does not define", where, value->u.string);
}

/* Which part of the model answers for an MSR; fails the case for one the model leaves out. */
static enum msr_owner owner_of(struct kvm_machine *machine, uint64_t number, int *slot)
{
    if (number == MSR_EFER)
        return OWNER_EFER;
    for (int s = 0; s < KVM_AREA_COUNT; s++) {
        enum msr_kind kind = kvm_areas[s]->msr_kind != NULL ? kvm_areas[s]->msr_kind(machine, number) : MSR_NOT_MINE;
        if (kind == MSR_HANDLED) {
            *slot = s;
            return OWNER_AREA;
        }
        if (kind == MSR_UNMODELLED)
            case_fail(machine->run,
                      "MSR 0x%llx belongs to a KVM feature of the revision's kernel that the model leaves out",
                      (unsigned long long)number);
    }
    if (number >= MSR_KVM_RANGE_LOW && number <= MSR_KVM_RANGE_HIGH)
        return OWNER_UNHANDLED;
    case_fail(machine->run, "MSR 0x%llx is not modelled: the KVM machine has EFER and KVM's range 0x4b564d00-0x4b564dff",
              (unsigned long long)number);
}

bool kvm_guest_rdmsr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t *value)
{
    int slot = 0;
    switch (owner_of(machine, number, &slot)) {
    case OWNER_EFER:
        *value = vcpu->efer;
        return true;
    case OWNER_AREA:
        return kvm_areas[slot]->rdmsr(machine, vcpu, number, false, value);
    case OWNER_UNHANDLED:
        /* kvm.ignore_msrs: the read returns 0 instead of failing. */
        *value = 0;
        return machine->ignore_msrs;
    }
    return false;
}

bool kvm_guest_wrmsr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t value)
{
    int slot = 0;
    switch (owner_of(machine, number, &slot)) {
    case OWNER_EFER: return kvm_set_efer(machine, vcpu, value);
    case OWNER_AREA: return kvm_areas[slot]->wrmsr(machine, vcpu, number, value, false);
    case OWNER_UNHANDLED: return machine->ignore_msrs;
    }
    return false;
}

bool kvm_host_get_msr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t *value)
{
    int slot = 0;
    switch (owner_of(machine, number, &slot)) {
    case OWNER_EFER:
        *value = vcpu->efer;
        return true;
    case OWNER_AREA:
        return kvm_areas[slot]->rdmsr(machine, vcpu, number, true, value);
    case OWNER_UNHANDLED:
        *value = 0;
        return machine->ignore_msrs;
    }
    return false;
}

bool kvm_host_set_msr(struct kvm_machine *machine, struct kvm_vcpu *vcpu, uint64_t number, uint64_t value)
{
    int slot = 0;
    switch (owner_of(machine, number, &slot)) {
    case OWNER_EFER:
        /* The VMM's way to EFER in the case model is KVM_SET_SREGS (host_set_sregs). */
        case_fail(machine->run, "the host sets EFER with host_set_sregs in this model");
    case OWNER_AREA: return kvm_areas[slot]->wrmsr(machine, vcpu, number, value, true);
    case OWNER_UNHANDLED: return machine->ignore_msrs;
    }
    return false;
}
