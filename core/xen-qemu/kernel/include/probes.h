/*
 * What dom0 learns of the hypervisor itself: the H line (version and capabilities), the B
 * line (boot-time settings measured by their effect, e.g. the highest grant-table version a
 * new domain may have), and the operations that only a toolstack can run (page types through
 * XEN_DOMCTL_getpageframeinfo3, XEN_SYSCTL_physinfo), which dom0 runs for any domain.
 */
#ifndef HVABI_PROBES_H
#define HVABI_PROBES_H

#include "wire_types.h"

void probes_print_header(void);
void probes_run(u32 program_flags);
bool probes_is_toolstack_op(unsigned int op);
void probes_toolstack_op(const struct wire_step *step, struct step_result *result);

#endif
