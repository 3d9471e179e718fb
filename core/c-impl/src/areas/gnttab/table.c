#include "table.h"

#include <string.h>

/* Little-endian fields of the shared frame, whatever the host's byte order. */
static uint16_t load16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t load32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load64(const unsigned char *p)
{
    return (uint64_t)load32(p) | (uint64_t)load32(p + 4) << 32;
}

static void store16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void store32(unsigned char *p, uint32_t v)
{
    store16(p, (uint16_t)v);
    store16(p + 2, (uint16_t)(v >> 16));
}

static void store64(unsigned char *p, uint64_t v)
{
    store32(p, (uint32_t)v);
    store32(p + 4, (uint32_t)(v >> 32));
}

static unsigned char *entry_at(struct grant_table *table, uint32_t ref)
{
    return table->shared + ref * (table->version == 1 ? GNTTAB_V1_ENTRY_SIZE : GNTTAB_V2_ENTRY_SIZE);
}

static const unsigned char *entry_at_const(const struct grant_table *table, uint32_t ref)
{
    return table->shared + ref * (table->version == 1 ? GNTTAB_V1_ENTRY_SIZE : GNTTAB_V2_ENTRY_SIZE);
}

unsigned gnttab_nr_entries(const struct grant_table *table)
{
    return GNTTAB_FRAME_SIZE / (table->version == 1 ? GNTTAB_V1_ENTRY_SIZE : GNTTAB_V2_ENTRY_SIZE);
}

unsigned gnttab_nr_status_frames(const struct grant_table *table)
{
    return table->version == 2 ? 1 : 0;
}

uint16_t entry_flags(const struct grant_table *table, uint32_t ref)
{
    return load16(entry_at_const(table, ref));
}

void entry_set_flags(struct grant_table *table, uint32_t ref, uint16_t flags)
{
    store16(entry_at(table, ref), flags);
}

uint16_t entry_domid(const struct grant_table *table, uint32_t ref)
{
    return load16(entry_at_const(table, ref) + 2);
}

/* v1: flags@0 domid@2 frame(u32)@4.  v2: flags@0 domid@2, then full_page {pad@4 frame(u64)@8},
 * sub_page {page_off@4 length@6 frame@8} or transitive {trans_domid@4 pad@6 gref(u32)@8}. */
uint64_t entry_frame(const struct grant_table *table, uint32_t ref)
{
    const unsigned char *entry = entry_at_const(table, ref);
    return table->version == 1 ? load32(entry + 4) : load64(entry + 8);
}

void entry_set_frame(struct grant_table *table, uint32_t ref, uint64_t frame)
{
    unsigned char *entry = entry_at(table, ref);
    if (table->version == 1)
        store32(entry + 4, (uint32_t)frame);
    else
        store64(entry + 8, frame);
}

uint16_t entry_sub_page_offset(const struct grant_table *table, uint32_t ref)
{
    return load16(entry_at_const(table, ref) + 4);
}

uint16_t entry_sub_page_length(const struct grant_table *table, uint32_t ref)
{
    return load16(entry_at_const(table, ref) + 6);
}

uint16_t entry_trans_domid(const struct grant_table *table, uint32_t ref)
{
    return load16(entry_at_const(table, ref) + 4);
}

uint32_t entry_trans_gref(const struct grant_table *table, uint32_t ref)
{
    return load32(entry_at_const(table, ref) + 8);
}

uint16_t entry_status(const struct grant_table *table, uint32_t ref)
{
    return table->version == 1 ? entry_flags(table, ref) : table->status[ref];
}

void entry_set_status(struct grant_table *table, uint32_t ref, uint16_t status)
{
    if (table->version == 1)
        entry_set_flags(table, ref, status);
    else
        table->status[ref] = status;
}

void entry_write(struct grant_table *table, uint32_t ref, const struct grant_entry_fields *fields)
{
    unsigned char *entry = entry_at(table, ref);
    uint16_t flags = (uint16_t)((fields->type & GTF_type_mask) | (fields->readonly ? GTF_readonly : 0));
    if (table->version == 1) {
        /* The header is common to both layouts, so GTF_sub_page can be set; only the range has no room. */
        if (fields->sub_page)
            flags |= GTF_sub_page;
        memset(entry, 0, GNTTAB_V1_ENTRY_SIZE);
        store16(entry, flags);
        store16(entry + 2, fields->grantee);
        store32(entry + 4, (uint32_t)fields->frame);
        return;
    }
    memset(entry, 0, GNTTAB_V2_ENTRY_SIZE);
    if (fields->type == GTF_transitive) {
        store16(entry + 4, fields->trans_domid);
        store32(entry + 8, fields->trans_gref);
    } else {
        if (fields->sub_page) {
            flags |= GTF_sub_page;
            store16(entry + 4, fields->sub_page_offset);
            store16(entry + 6, fields->sub_page_length);
        }
        store64(entry + 8, fields->frame);
    }
    store16(entry, flags);
    store16(entry + 2, fields->grantee);
}

void gnttab_switch_version(struct grant_table *table, unsigned version)
{
    /* Carry the reserved entries across in version-1 form (flags with the status bits folded in). */
    struct { uint16_t flags, domid; uint64_t frame; } kept[GNTTAB_RESERVED_ENTRIES];
    for (uint32_t ref = 0; ref < GNTTAB_RESERVED_ENTRIES; ref++) {
        uint16_t flags = entry_flags(table, ref);
        if (table->version == 1) {
            kept[ref].flags = flags;
            kept[ref].domid = entry_domid(table, ref);
            kept[ref].frame = entry_frame(table, ref);
        } else if ((flags & GTF_type_mask) == GTF_permit_access) {
            kept[ref].flags = (uint16_t)(flags | table->status[ref]);
            kept[ref].domid = entry_domid(table, ref);
            kept[ref].frame = entry_frame(table, ref);
        } else {
            /* Only permit_access entries have a version-1 form. */
            memset(&kept[ref], 0, sizeof kept[ref]);
        }
    }
    memset(table->shared, 0, sizeof table->shared);
    memset(table->status, 0, sizeof table->status);
    table->version = version;
    for (uint32_t ref = 0; ref < GNTTAB_RESERVED_ENTRIES; ref++) {
        uint16_t flags = kept[ref].flags;
        if (version == 2) {
            table->status[ref] = flags & (GTF_reading | GTF_writing);
            flags &= (uint16_t)~(GTF_reading | GTF_writing);
        }
        entry_set_flags(table, ref, flags);
        store16(entry_at(table, ref) + 2, kept[ref].domid);
        entry_set_frame(table, ref, kept[ref].frame);
    }
}
