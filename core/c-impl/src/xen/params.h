/*
 * The parameters the modelled Xen knows: those an area of this core parses,
 * booleans of areas it does not implement (their parsing is the generic
 * boolean one), custom parameters of such areas (whose validity this core
 * cannot judge), and the ones whose effect the model leaves out.
 */
#ifndef HVABI_XEN_PARAMS_H
#define HVABI_XEN_PARAMS_H

#include "area.h"

enum param_kind {
    /* Parsed by an area of this core. */
    PARAM_AREA,
    /* An OPT_BOOL parameter: parse_bool() decides, nothing here reads the setting. */
    PARAM_BOOLEAN,
    /* A custom parameter of an area this core does not implement. */
    PARAM_FOREIGN,
    /* Exists in Xen, accepted without effect. */
    PARAM_UNMODELLED,
};

struct param_handler {
    enum param_kind kind;
    const struct xen_param *param;
    void *state;
    /* PARAM_FOREIGN: the area owning it. */
    const char *area;
};

/* Finds the parameter called `name` in this build; false when Xen would call it unknown. */
bool xen_find_param(struct xen_host *host, const char *name, struct param_handler *found);

#endif
