/* The areas the Xen machine carries, each with a state slot on the host and on every domain. */
#ifndef HVABI_XEN_AREAS_H
#define HVABI_XEN_AREAS_H

enum xen_area_slot {
#define XEN_MACHINE_AREA(slot, name, object, profiles) slot,
#include "area_list.h"
#undef XEN_MACHINE_AREA
    XEN_AREA_COUNT
};

struct xen_area;
extern const struct xen_area *const xen_areas[XEN_AREA_COUNT];

#endif
