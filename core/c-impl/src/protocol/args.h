/*
 * Typed reads of a case's JSON (configuration and step arguments). The runner
 * fills in every default before a core sees a case, so a missing or mistyped
 * field is the case's fault: each reader fails the case with a message naming
 * the field, what it must be and what was found.
 */
#ifndef HVABI_ARGS_H
#define HVABI_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "../json/json.h"
#include "case_run.h"

/* `where` names the object in messages, e.g. "args" or "config.xen". */
struct arg_object {
    const struct json_value *object;
    const char *where;
};

/* The object member `name` as an object (required). */
struct arg_object arg_object(struct case_run *run, struct arg_object parent, const char *name);

bool arg_has(struct arg_object object, const char *name);

int64_t arg_int(struct case_run *run, struct arg_object object, const char *name, int64_t min, int64_t max);
bool arg_int_optional(struct case_run *run, struct arg_object object, const char *name, int64_t min, int64_t max,
                      int64_t *out);

bool arg_bool(struct case_run *run, struct arg_object object, const char *name);

/* A "0x…" string of 1 to 16 hex digits. */
uint64_t arg_hex64(struct case_run *run, struct arg_object object, const char *name);
bool arg_hex64_optional(struct case_run *run, struct arg_object object, const char *name, uint64_t *out);

const struct json_value *arg_string(struct case_run *run, struct arg_object object, const char *name);

/* A string that must be one of `choices` (NULL-terminated); returns its index. */
int arg_enum(struct case_run *run, struct arg_object object, const char *name, const char *const *choices);

const struct json_value *arg_array(struct case_run *run, struct arg_object object, const char *name);

/* Parses "0x…" (1–16 hex digits); false when it is not one. */
bool parse_hex64(const char *text, size_t length, uint64_t *out);

#endif
