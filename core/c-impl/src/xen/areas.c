#include "areas.h"

#include "area.h"

#define XEN_MACHINE_AREA(slot, name, object, profiles) extern const struct xen_area object;
#include "area_list.h"
#undef XEN_MACHINE_AREA

const struct xen_area *const xen_areas[XEN_AREA_COUNT] = {
#define XEN_MACHINE_AREA(slot, name, object, profiles) [slot] = &object,
#include "area_list.h"
#undef XEN_MACHINE_AREA
};
