/*
 * A JSON writer into a growable buffer. Commas and colons are placed by the
 * writer; strings are escaped per RFC 8259 (control characters as \uXXXX or
 * their short forms, and the 3-byte form of an unpaired surrogate back to
 * \uXXXX, see json.h). Allocation failure is sticky: `failed` is set and
 * further output is dropped.
 */
#ifndef HVABI_JSON_WRITER_H
#define HVABI_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { JSON_WRITER_MAX_DEPTH = 64 };

struct json_writer {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;
    unsigned depth;
    /* Per nesting level: does it already hold an element (so the next one needs a comma)? */
    bool has_items[JSON_WRITER_MAX_DEPTH];
    /* A member name was just written: the next value follows its colon. */
    bool after_key;
};

void json_writer_init(struct json_writer *writer);
void json_writer_release(struct json_writer *writer);
/* Empties the buffer (keeping its memory) and the nesting state. */
void json_writer_clear(struct json_writer *writer);

void json_begin_object(struct json_writer *writer);
void json_end_object(struct json_writer *writer);
void json_begin_array(struct json_writer *writer);
void json_end_array(struct json_writer *writer);
void json_key(struct json_writer *writer, const char *name);
void json_key_n(struct json_writer *writer, const char *name, size_t length);
void json_string(struct json_writer *writer, const char *text);
void json_string_n(struct json_writer *writer, const char *text, size_t length);
void json_int(struct json_writer *writer, int64_t value);
void json_bool(struct json_writer *writer, bool value);
void json_null(struct json_writer *writer);
/* A "0x…" string in lowercase hex: how 64-bit values travel. */
void json_hex64(struct json_writer *writer, uint64_t value);
/* A non-negative decimal with up to 3 fraction digits (durations). */
void json_milliseconds(struct json_writer *writer, double value);

/* A saved position: rewinding drops everything written after it. */
struct json_writer_mark {
    size_t length;
    unsigned depth;
    bool has_items[JSON_WRITER_MAX_DEPTH];
    bool after_key;
    bool failed;
};
void json_writer_mark(const struct json_writer *writer, struct json_writer_mark *mark);
void json_writer_rewind(struct json_writer *writer, const struct json_writer_mark *mark);

/* Appends raw bytes outside any structure (e.g. the newline ending a protocol line). */
void json_raw(struct json_writer *writer, const char *bytes, size_t length);

#endif
