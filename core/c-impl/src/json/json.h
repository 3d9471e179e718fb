/*
 * A strict RFC 8259 JSON parser producing a read-only tree in an arena.
 *
 * Strings are decoded in place inside the caller's buffer (an unescaped string
 * is never longer than its escaped form), so parsing copies no text. Raw bytes
 * must be valid UTF-8; escapes of unpaired surrogates (which JavaScript's
 * JSON.stringify emits for lone surrogates) decode to their 3-byte generalised
 * UTF-8 form so that the writer can escape them back unchanged.
 *
 * Objects keep their members in document order; when a name repeats, lookups
 * see the last one, as JSON.parse does.
 */
#ifndef HVABI_JSON_H
#define HVABI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arena.h"

enum json_type {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
};

struct json_value {
    uint8_t type;
    /* For numbers: written without fraction or exponent and within int64_t. */
    bool is_int64;
    /* Bytes of a string; members of an array or object. */
    uint32_t length;
    /* The member's name when this value sits in an object (decoded, NUL-terminated). */
    const char *key;
    uint32_t key_length;
    struct json_value *next;
    union {
        const char *string; /* decoded, NUL-terminated (may also contain NULs) */
        struct json_value *first;
        int64_t integer;
    } u;
};

struct json_limits {
    unsigned max_depth;
    size_t max_values;
};

struct json_error {
    size_t offset;
    char message[160];
};

/*
 * Parses `length` bytes of `text`, which it modifies (string decoding).
 * Returns NULL and fills `error` on malformed input or when a limit is hit.
 */
struct json_value *json_parse(char *text, size_t length, struct arena *arena,
                              const struct json_limits *limits, struct json_error *error);

/* The member `name` of an object (the last one when it repeats), or NULL. */
const struct json_value *json_member(const struct json_value *object, const char *name);

/* Element `index` of an array, or NULL. Linear: iterate with ->next instead in loops. */
const struct json_value *json_element(const struct json_value *array, size_t index);

bool json_is_string(const struct json_value *value, const char *text);

/* "string", "integer", "object", …: for error messages. */
const char *json_type_name(const struct json_value *value);

#endif
