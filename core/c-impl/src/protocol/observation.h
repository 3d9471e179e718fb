/*
 * What one step produced, before it is written out: the result, a per-op
 * status, returned values and the normative console messages (observation.schema.json).
 */
#ifndef HVABI_OBSERVATION_H
#define HVABI_OBSERVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../json/writer.h"
#include "case_run.h"

enum value_kind { VALUE_ABSENT, VALUE_INT, VALUE_BOOL, VALUE_STRING, VALUE_HEX64 };

struct value {
    enum value_kind kind;
    union {
        int64_t integer;
        bool boolean;
        uint64_t hex64;
        struct {
            const char *text;
            size_t length;
        } string;
    } u;
};

static inline struct value value_int(int64_t v) { return (struct value){ .kind = VALUE_INT, .u.integer = v }; }
static inline struct value value_bool(bool v) { return (struct value){ .kind = VALUE_BOOL, .u.boolean = v }; }
static inline struct value value_hex64(uint64_t v) { return (struct value){ .kind = VALUE_HEX64, .u.hex64 = v }; }
static inline struct value value_absent(void) { return (struct value){ .kind = VALUE_ABSENT }; }
struct value value_text(const char *text);
struct value value_text_n(const char *text, size_t length);

void write_value(struct json_writer *writer, struct value value);

enum { LOG_MAX_PARAMS = 4, OUTCOME_MAX_RETURNS = 8 };

struct log_entry {
    const char *msg;
    const char *param_names[LOG_MAX_PARAMS];
    struct value params[LOG_MAX_PARAMS];
    unsigned param_count;
    struct log_entry *next;
};

struct step_outcome {
    /* "ok", an errno name, "fault", … (common.schema.json#/$defs/result). */
    const char *result;
    /* A GNTST_* name, or NULL. */
    const char *status;
    /* With result "fault": the exception's mnemonic (#GP, #UD, …) and its error code, if it has one. */
    const char *fault_vector;
    bool fault_has_error_code;
    uint64_t fault_error_code;
    const char *return_keys[OUTCOME_MAX_RETURNS];
    struct value return_values[OUTCOME_MAX_RETURNS];
    unsigned return_count;
    struct log_entry *log_first;
    struct log_entry *log_last;
};

void outcome_reset(struct step_outcome *outcome);
/* result "fault" with this exception; error_code < 0 for one without an error code. */
void outcome_fault(struct step_outcome *outcome, const char *vector, int64_t error_code);
void outcome_return(struct step_outcome *outcome, const char *key, struct value value);

/* Appends a message; its strings must live as long as the case. */
struct log_entry *outcome_log(struct case_run *run, struct step_outcome *outcome, const char *msg);
void log_param(struct log_entry *entry, const char *name, struct value value);

/* Writes result, status, returns and (when asked) log; the caller adds `state` in between. */
void write_outcome_head(struct json_writer *writer, const struct step_outcome *outcome);
void write_outcome_log(struct json_writer *writer, const struct step_outcome *outcome);

#endif
