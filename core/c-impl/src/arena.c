#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
    struct arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_ALIGN = 16, ARENA_MIN_CHUNK = 64 * 1024 };

static size_t total_capacity(const struct arena *arena)
{
    size_t total = 0;
    for (const struct arena_chunk *chunk = arena->head; chunk != NULL; chunk = chunk->next)
        total += chunk->size;
    return total;
}

static struct arena_chunk *new_chunk(size_t size)
{
    if (size > SIZE_MAX - sizeof(struct arena_chunk))
        return NULL;
    struct arena_chunk *chunk = malloc(sizeof(struct arena_chunk) + size);
    if (chunk == NULL)
        return NULL;
    chunk->next = NULL;
    chunk->size = size;
    chunk->used = 0;
    return chunk;
}

void arena_init(struct arena *arena, size_t limit)
{
    arena->head = NULL;
    arena->in_use = 0;
    arena->limit = limit;
}

void *arena_alloc(struct arena *arena, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (rounded == 0)
        rounded = ARENA_ALIGN;
    struct arena_chunk *chunk = arena->head;
    if (chunk == NULL || chunk->size - chunk->used < rounded) {
        size_t capacity = total_capacity(arena);
        size_t want = capacity < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : capacity;
        if (want < rounded)
            want = rounded;
        if (arena->limit != 0) {
            if (capacity >= arena->limit || rounded > arena->limit - capacity)
                return NULL;
            if (want > arena->limit - capacity)
                want = arena->limit - capacity;
        }
        chunk = new_chunk(want);
        if (chunk == NULL)
            return NULL;
        chunk->next = arena->head;
        arena->head = chunk;
    }
    void *memory = chunk->data + chunk->used;
    chunk->used += rounded;
    arena->in_use += rounded;
    return memory;
}

void *arena_zalloc(struct arena *arena, size_t size)
{
    void *memory = arena_alloc(arena, size);
    if (memory != NULL)
        memset(memory, 0, size);
    return memory;
}

char *arena_strndup(struct arena *arena, const char *text, size_t length)
{
    if (length == SIZE_MAX)
        return NULL;
    char *copy = arena_alloc(arena, length + 1);
    if (copy == NULL)
        return NULL;
    if (length > 0)
        memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

void arena_reset(struct arena *arena)
{
    struct arena_chunk *head = arena->head;
    if (head == NULL)
        return;
    if (head->next == NULL) {
        head->used = 0;
        arena->in_use = 0;
        return;
    }
    /* Several chunks: replace them by one that holds everything, so the next round fits in it. */
    size_t wanted = arena->in_use;
    arena_release(arena);
    struct arena_chunk *merged = new_chunk(wanted < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : wanted);
    arena->head = merged;
}

void arena_release(struct arena *arena)
{
    struct arena_chunk *chunk = arena->head;
    while (chunk != NULL) {
        struct arena_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    arena->head = NULL;
    arena->in_use = 0;
}
