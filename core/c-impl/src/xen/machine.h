/* The Xen machine: a modelled Xen host that boots, creates domains and runs its areas' operations. */
#ifndef HVABI_XEN_MACHINE_H
#define HVABI_XEN_MACHINE_H

#include "../registry.h"

extern const struct machine xen_machine;

#endif
