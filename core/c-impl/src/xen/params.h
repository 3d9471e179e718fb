/*
 * The parameters the modelled Xen knows: those an area parses, and the ones
 * that exist in Xen but whose effect the model leaves out (accepted silently).
 */
#ifndef HVABI_XEN_PARAMS_H
#define HVABI_XEN_PARAMS_H

#include "area.h"

struct param_handler {
    /* NULL for a parameter the model accepts without effect. */
    const struct xen_param *param;
    void *state;
};

/* Finds the parameter called `name` in this build; false when Xen would call it unknown. */
bool xen_find_param(struct xen_host *host, const char *name, struct param_handler *found);

#endif
