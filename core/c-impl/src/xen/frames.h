/*
 * Who owns each frame and what it holds. A frame's owner follows the case
 * model's rule (domain d owns its FRAMES_PER_DOMAIN frames from creation)
 * until a transfer records another; contents are allocated on first write.
 */
#ifndef HVABI_XEN_FRAMES_H
#define HVABI_XEN_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_NO_OWNER UINT32_MAX

struct frame_record;

struct frame_table {
    struct frame_record *slots;
    size_t capacity;
    size_t count;
};

struct xen_host;

void frames_init(struct frame_table *table);

/* The owning domain's id, or FRAME_NO_OWNER. */
uint32_t frame_owner(const struct xen_host *host, uint64_t frame);
void frame_set_owner(struct xen_host *host, uint64_t frame, uint32_t owner);

/* The frame's bytes, or NULL while it was never written (all zero). */
const unsigned char *frame_bytes(const struct xen_host *host, uint64_t frame);
/* The frame's bytes for writing (allocated zero-filled on first use). */
unsigned char *frame_bytes_for_write(struct xen_host *host, uint64_t frame);
/* Forgets the contents (the page went back to the heap). */
void frame_discard(struct xen_host *host, uint64_t frame);

/* Grant mappings holding a reference on the frame (a page with extra references cannot be stolen). */
uint32_t frame_grant_mappings(const struct xen_host *host, uint64_t frame);
void frame_adjust_grant_mappings(struct xen_host *host, uint64_t frame, int delta);

#endif
