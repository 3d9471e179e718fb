/*
 * A bump allocator. Everything a request or a case needs lives in one arena
 * and is released at once, so the hot path never calls free() and a case
 * cannot leak into the next one.
 */
#ifndef HVABI_ARENA_H
#define HVABI_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    /* Bytes handed out since the last reset, to size the chunk kept by the next reset. */
    size_t in_use;
    /* Refuse to grow beyond this many bytes (0: unlimited). */
    size_t limit;
};

void arena_init(struct arena *arena, size_t limit);

/* Aligned to 16 bytes. NULL when the limit is reached or memory is exhausted. */
void *arena_alloc(struct arena *arena, size_t size);

/* Like arena_alloc, but zero-filled. */
void *arena_zalloc(struct arena *arena, size_t size);

/* Copies `length` bytes and appends a NUL. */
char *arena_strndup(struct arena *arena, const char *text, size_t length);

/* Forgets every allocation; keeps one chunk big enough for what was used, so steady state allocates nothing. */
void arena_reset(struct arena *arena);

void arena_release(struct arena *arena);

#endif
