#include "frames.h"

#include <string.h>

#include "host.h"
#include "model.h"

/* Marks a record whose owner still follows the model's creation rule. */
#define OWNER_BY_RULE (UINT32_MAX - 1)

struct frame_record {
    uint64_t frame;
    bool used;
    uint32_t owner;
    uint32_t grant_mappings;
    unsigned char *bytes;
};

void frames_init(struct frame_table *table)
{
    table->slots = NULL;
    table->capacity = 0;
    table->count = 0;
}

static size_t slot_of(uint64_t frame, size_t capacity)
{
    /* Fibonacci hashing spreads the strided frame numbers of the model. */
    return (size_t)((frame * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (capacity - 1);
}

static struct frame_record *find(const struct frame_table *table, uint64_t frame)
{
    if (table->capacity == 0)
        return NULL;
    for (size_t i = slot_of(frame, table->capacity);; i = (i + 1) & (table->capacity - 1)) {
        struct frame_record *record = &table->slots[i];
        if (!record->used)
            return NULL;
        if (record->frame == frame)
            return record;
    }
}

static void grow(struct xen_host *host)
{
    struct frame_table *table = &host->frames;
    size_t capacity = table->capacity ? table->capacity * 2 : 64;
    struct frame_record *slots = case_zalloc(host->run, capacity * sizeof *slots);
    for (size_t i = 0; i < table->capacity; i++) {
        struct frame_record *old = &table->slots[i];
        if (!old->used)
            continue;
        size_t j = slot_of(old->frame, capacity);
        while (slots[j].used)
            j = (j + 1) & (capacity - 1);
        slots[j] = *old;
    }
    table->slots = slots;
    table->capacity = capacity;
}

static struct frame_record *find_or_add(struct xen_host *host, uint64_t frame)
{
    struct frame_record *record = find(&host->frames, frame);
    if (record != NULL)
        return record;
    struct frame_table *table = &host->frames;
    if ((table->count + 1) * 10 > table->capacity * 7)
        grow(host);
    size_t i = slot_of(frame, table->capacity);
    while (table->slots[i].used)
        i = (i + 1) & (table->capacity - 1);
    record = &table->slots[i];
    record->used = true;
    record->frame = frame;
    record->owner = OWNER_BY_RULE;
    record->grant_mappings = 0;
    record->bytes = NULL;
    table->count++;
    return record;
}

static uint32_t owner_by_rule(const struct xen_host *host, uint64_t frame)
{
    uint64_t domid = frame / MODEL_FRAME_STRIDE;
    if (domid > DOMID_MAX || frame % MODEL_FRAME_STRIDE >= MODEL_FRAMES_PER_DOMAIN)
        return FRAME_NO_OWNER;
    return xen_domain_by_id(host, (uint32_t)domid) != NULL ? (uint32_t)domid : FRAME_NO_OWNER;
}

uint32_t frame_owner(const struct xen_host *host, uint64_t frame)
{
    const struct frame_record *record = find(&host->frames, frame);
    if (record == NULL || record->owner == OWNER_BY_RULE)
        return owner_by_rule(host, frame);
    return record->owner;
}

void frame_set_owner(struct xen_host *host, uint64_t frame, uint32_t owner)
{
    find_or_add(host, frame)->owner = owner;
}

const unsigned char *frame_bytes(const struct xen_host *host, uint64_t frame)
{
    const struct frame_record *record = find(&host->frames, frame);
    return record != NULL ? record->bytes : NULL;
}

unsigned char *frame_bytes_for_write(struct xen_host *host, uint64_t frame)
{
    struct frame_record *record = find_or_add(host, frame);
    if (record->bytes == NULL)
        record->bytes = case_zalloc(host->run, XEN_PAGE_SIZE);
    return record->bytes;
}

void frame_discard(struct xen_host *host, uint64_t frame)
{
    struct frame_record *record = find(&host->frames, frame);
    if (record != NULL && record->bytes != NULL)
        memset(record->bytes, 0, XEN_PAGE_SIZE);
}

uint32_t frame_grant_mappings(const struct xen_host *host, uint64_t frame)
{
    const struct frame_record *record = find(&host->frames, frame);
    return record != NULL ? record->grant_mappings : 0;
}

void frame_adjust_grant_mappings(struct xen_host *host, uint64_t frame, int delta)
{
    struct frame_record *record = find_or_add(host, frame);
    record->grant_mappings = (uint32_t)((int64_t)record->grant_mappings + delta);
}
