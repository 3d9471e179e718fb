/* Domain creation as the toolstack drives it (libxl, then XEN_DOMCTL_createdomain). */
#ifndef HVABI_XEN_DOMAIN_H
#define HVABI_XEN_DOMAIN_H

#include <stdint.h>

#include "../protocol/args.h"
#include "host.h"

/* Creates the domain `config` describes (config-domain.schema.json): 0 or a negative errno. */
int xen_create_domain(struct xen_host *host, struct arg_object config, uint32_t *domid);

#endif
