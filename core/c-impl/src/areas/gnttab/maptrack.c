#include "maptrack.h"

#include "abi.h"

void maptrack_init(struct maptrack *maptrack)
{
    maptrack->pages = NULL;
    maptrack->page_count = 0;
    maptrack->limit = 0;
    maptrack->free_head = MAPTRACK_NONE;
    maptrack->free_tail = MAPTRACK_NONE;
}

struct maptrack_entry *maptrack_entry(struct maptrack *maptrack, uint32_t handle)
{
    return &maptrack->pages[handle / MAPTRACK_PER_PAGE][handle % MAPTRACK_PER_PAGE];
}

uint32_t maptrack_get(struct maptrack *maptrack, struct case_run *run)
{
    uint32_t head = maptrack->free_head;
    if (head != MAPTRACK_NONE) {
        uint32_t next = maptrack_entry(maptrack, head)->next_free;
        if (next != MAPTRACK_NONE) {
            maptrack->free_head = next;
            return head;
        }
    }
    if (maptrack->page_count == MAPTRACK_MAX_PAGES)
        return MAPTRACK_NONE;
    if (maptrack->pages == NULL)
        maptrack->pages = case_zalloc(run, MAPTRACK_MAX_PAGES * sizeof *maptrack->pages);
    struct maptrack_entry *page = case_zalloc(run, MAPTRACK_PER_PAGE * sizeof *page);
    uint32_t first = maptrack->limit;
    for (uint32_t i = 0; i < MAPTRACK_PER_PAGE; i++)
        page[i].next_free = first + i + 1;
    /* The page's remaining handles go in front of the old list. */
    page[MAPTRACK_PER_PAGE - 1].next_free = maptrack->free_head;
    if (maptrack->free_tail == MAPTRACK_NONE)
        maptrack->free_tail = first + MAPTRACK_PER_PAGE - 1;
    maptrack->free_head = first + 1;
    maptrack->pages[maptrack->page_count++] = page;
    maptrack->limit += MAPTRACK_PER_PAGE;
    return first;
}

void maptrack_put(struct maptrack *maptrack, uint32_t handle)
{
    struct maptrack_entry *entry = maptrack_entry(maptrack, handle);
    entry->flags = 0;
    entry->next_free = MAPTRACK_NONE;
    maptrack_entry(maptrack, maptrack->free_tail)->next_free = handle;
    maptrack->free_tail = handle;
}
