/*
 * Conventions of the hvabi case model for Xen (not Xen ABI): which frames a
 * domain owns from creation, and the reserved domain ids.
 */
#ifndef HVABI_XEN_MODEL_H
#define HVABI_XEN_MODEL_H

#include <stdint.h>

/* Domain d owns frames [d * FRAME_STRIDE, d * FRAME_STRIDE + FRAMES_PER_DOMAIN) from creation. */
#define MODEL_FRAME_STRIDE UINT64_C(0x10000)
#define MODEL_FRAMES_PER_DOMAIN 256u

#define XEN_PAGE_SIZE 4096u

/* xen/include/public/xen.h */
#define DOMID_FIRST_RESERVED 0x7ff0u
#define DOMID_SELF 0x7ff0u
/* "Any free id" in XEN_DOMCTL_createdomain. */
#define DOMID_ANY 0x7ff5u
#define DOMID_MAX 32767u

#endif
