/* Reading observable state keys such as `d1.grant[12].type` or `d2.owns[0x20005]`. */
#ifndef HVABI_XEN_STATE_KEY_H
#define HVABI_XEN_STATE_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct key_cursor {
    const char *at;
    const char *end;
};

static inline struct key_cursor key_cursor(const char *key, size_t length)
{
    return (struct key_cursor){ key, key + length };
}

/* Consumes `literal` when the key continues with it. */
bool key_take(struct key_cursor *cursor, const char *literal);
/* Consumes decimal digits (at most `max`); false when none or out of range. */
bool key_take_decimal(struct key_cursor *cursor, uint64_t max, uint64_t *out);
/* Consumes "0x" and 1–16 hex digits. */
bool key_take_hex(struct key_cursor *cursor, uint64_t *out);
/* True when the whole key equals `literal` from here on. */
bool key_is(const struct key_cursor *cursor, const char *literal);
/* `d<domid>.` at the start of a key (any number: one beyond the domid range names no domain). */
bool key_take_domain(struct key_cursor *cursor, uint64_t *domid);

#endif
