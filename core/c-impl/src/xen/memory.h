#ifndef HVABI_XEN_MEMORY_H
#define HVABI_XEN_MEMORY_H

#include "area.h"

extern const struct xen_op xen_memory_ops[];
extern const size_t xen_memory_op_count;

#endif
