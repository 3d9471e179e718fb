/* The KVM machine as the protocol layer sees it. */
#ifndef HVABI_KVM_KVM_MACHINE_H
#define HVABI_KVM_KVM_MACHINE_H

#include "../registry.h"

extern const struct machine kvm_machine;

#endif
