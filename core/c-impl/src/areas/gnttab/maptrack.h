/*
 * The mappings a domain made through GNTTABOP_map_grant_ref, by handle.
 * Handles come from a free list that always keeps its last entry: a fresh
 * page of 256 handles hands out its first and queues the rest; released
 * handles join the tail. So handles count up, and a released one comes back
 * only once those queued before it are used (the order Xen's allocator shows
 * a guest with one vCPU).
 */
#ifndef HVABI_GNTTAB_MAPTRACK_H
#define HVABI_GNTTAB_MAPTRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "../../protocol/case_run.h"

#define MAPTRACK_NONE UINT32_MAX

struct maptrack_entry {
    uint32_t ref;
    uint16_t domid;
    /* GNTMAP_* of the live mapping; 0 when the handle is free. */
    uint16_t flags;
    uint32_t next_free;
};

struct maptrack {
    struct maptrack_entry **pages;
    uint32_t page_count;
    /* Handles below `limit` exist. */
    uint32_t limit;
    uint32_t free_head;
    uint32_t free_tail;
};

void maptrack_init(struct maptrack *maptrack);

/* A free handle, or MAPTRACK_NONE when the domain has used every page it may have. */
uint32_t maptrack_get(struct maptrack *maptrack, struct case_run *run);
void maptrack_put(struct maptrack *maptrack, uint32_t handle);

/* The entry of an existing handle (handle < limit). */
struct maptrack_entry *maptrack_entry(struct maptrack *maptrack, uint32_t handle);

#endif
