#include "areas.h"

#include "area.h"

#define KVM_MACHINE_AREA(slot, name, object, profiles) extern const struct kvm_area object;
#include "area_list.h"
#undef KVM_MACHINE_AREA

const struct kvm_area *const kvm_areas[KVM_AREA_COUNT] = {
#define KVM_MACHINE_AREA(slot, name, object, profiles) [slot] = &object,
#include "area_list.h"
#undef KVM_MACHINE_AREA
};
