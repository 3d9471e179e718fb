/*
 * A domain's grant table: the shared frame exactly as the guest lays it out
 * (version 1 or 2), the version-2 status words, the hypervisor's active
 * entries (pin counts) and the maptrack of mappings the domain made.
 */
#ifndef HVABI_GNTTAB_TABLE_H
#define HVABI_GNTTAB_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "abi.h"
#include "maptrack.h"

struct active_entry {
    uint32_t pin;
    /* While pinned: the domain using the grant, the frame reached and the byte range allowed. */
    uint16_t domid;
    uint16_t start;
    uint16_t length;
    bool is_sub_page;
    uint64_t frame;
    /* The entry finally reached (itself, or the target of a transitive grant). */
    uint16_t src_domid;
    uint32_t trans_gref;
};

struct grant_table {
    unsigned version;
    unsigned max_version;
    unsigned char shared[GNTTAB_FRAME_SIZE];
    uint16_t status[GNTTAB_FRAME_SIZE / GNTTAB_V2_ENTRY_SIZE];
    struct active_entry active[GNTTAB_MAX_ENTRIES];
    struct maptrack maptrack;
};

unsigned gnttab_nr_entries(const struct grant_table *table);
/* Status frames: one under version 2 (for the one grant frame), none under version 1. */
unsigned gnttab_nr_status_frames(const struct grant_table *table);

/* The entry header, in either layout. */
uint16_t entry_flags(const struct grant_table *table, uint32_t ref);
void entry_set_flags(struct grant_table *table, uint32_t ref, uint16_t flags);
uint16_t entry_domid(const struct grant_table *table, uint32_t ref);

/* Version 1: `frame`; version 2: full_page.frame (sub_page.frame shares its place). */
uint64_t entry_frame(const struct grant_table *table, uint32_t ref);
void entry_set_frame(struct grant_table *table, uint32_t ref, uint64_t frame);

/* Version 2 only. */
uint16_t entry_sub_page_offset(const struct grant_table *table, uint32_t ref);
uint16_t entry_sub_page_length(const struct grant_table *table, uint32_t ref);
uint16_t entry_trans_domid(const struct grant_table *table, uint32_t ref);
uint32_t entry_trans_gref(const struct grant_table *table, uint32_t ref);

/* GTF_reading/GTF_writing live in the entry's flags (v1) or in its status word (v2). */
uint16_t entry_status(const struct grant_table *table, uint32_t ref);
void entry_set_status(struct grant_table *table, uint32_t ref, uint16_t status);

struct grant_entry_fields {
    unsigned type;
    bool readonly;
    uint16_t grantee;
    uint64_t frame;
    bool sub_page;
    uint16_t sub_page_offset;
    uint16_t sub_page_length;
    uint16_t trans_domid;
    uint32_t trans_gref;
};

/* The guest writes a whole entry in the layout of the current version (fields it has no room for are dropped). */
void entry_write(struct grant_table *table, uint32_t ref, const struct grant_entry_fields *fields);

/* GNTTABOP_set_version's switch of the layout, keeping the reserved entries. */
void gnttab_switch_version(struct grant_table *table, unsigned version);

#endif
