/*
 * The executor: runs one kernel operation (core/xen-qemu/wire.json "operations") as the guest
 * it runs in, with real hypercalls and instructions, and records what happened. dom0 and every
 * domU run the same executor; dom0 relocates arguments and results first (dom0.c).
 */
#ifndef HVABI_EXEC_H
#define HVABI_EXEC_H

#include "wire_types.h"

void exec_init(void);
/* Runs one step on vCPU vcpu of this domain: the caller is that vCPU's executor loop. */
void exec_step(unsigned int vcpu, const struct wire_step *step, struct step_result *result);
/* Undoes what a case left in this domain that the next case must not see (dom0 only). */
void exec_reset(void);

void remove_injected_mappings(void);
/* A new case: the entries injected so far belong to tables the last case left. */
void forget_injections(void);

#endif
