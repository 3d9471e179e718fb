/* The areas the KVM machine carries, each with a state slot on the machine and on every vCPU. */
#ifndef HVABI_KVM_AREAS_H
#define HVABI_KVM_AREAS_H

enum kvm_area_slot {
#define KVM_MACHINE_AREA(slot, name, object, profiles) slot,
#include "area_list.h"
#undef KVM_MACHINE_AREA
    KVM_AREA_COUNT
};

struct kvm_area;
extern const struct kvm_area *const kvm_areas[KVM_AREA_COUNT];

#endif
