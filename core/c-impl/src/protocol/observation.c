#include "observation.h"

#include <string.h>

struct value value_text_n(const char *text, size_t length)
{
    return (struct value){ .kind = VALUE_STRING, .u.string = { text, length } };
}

struct value value_text(const char *text)
{
    return value_text_n(text, strlen(text));
}

void write_value(struct json_writer *writer, struct value value)
{
    switch (value.kind) {
    case VALUE_ABSENT: json_null(writer); break;
    case VALUE_INT: json_int(writer, value.u.integer); break;
    case VALUE_BOOL: json_bool(writer, value.u.boolean); break;
    case VALUE_STRING: json_string_n(writer, value.u.string.text, value.u.string.length); break;
    case VALUE_HEX64: json_hex64(writer, value.u.hex64); break;
    }
}

void outcome_reset(struct step_outcome *outcome)
{
    outcome->result = "ok";
    outcome->status = NULL;
    outcome->fault_vector = NULL;
    outcome->fault_has_error_code = false;
    outcome->fault_error_code = 0;
    outcome->return_count = 0;
    outcome->log_first = NULL;
    outcome->log_last = NULL;
}

void outcome_fault(struct step_outcome *outcome, const char *vector, int64_t error_code)
{
    outcome->result = "fault";
    outcome->fault_vector = vector;
    outcome->fault_has_error_code = error_code >= 0;
    outcome->fault_error_code = error_code >= 0 ? (uint64_t)error_code : 0;
}

void outcome_return(struct step_outcome *outcome, const char *key, struct value value)
{
    for (unsigned i = 0; i < outcome->return_count; i++) {
        if (strcmp(outcome->return_keys[i], key) == 0) {
            outcome->return_values[i] = value;
            return;
        }
    }
    if (outcome->return_count < OUTCOME_MAX_RETURNS) {
        outcome->return_keys[outcome->return_count] = key;
        outcome->return_values[outcome->return_count] = value;
        outcome->return_count++;
    }
}

struct log_entry *outcome_log(struct case_run *run, struct step_outcome *outcome, const char *msg)
{
    struct log_entry *entry = case_zalloc(run, sizeof *entry);
    entry->msg = msg;
    if (outcome->log_last != NULL)
        outcome->log_last->next = entry;
    else
        outcome->log_first = entry;
    outcome->log_last = entry;
    return entry;
}

void log_param(struct log_entry *entry, const char *name, struct value value)
{
    if (entry->param_count >= LOG_MAX_PARAMS)
        return;
    entry->param_names[entry->param_count] = name;
    entry->params[entry->param_count] = value;
    entry->param_count++;
}

void write_outcome_head(struct json_writer *writer, const struct step_outcome *outcome)
{
    json_key(writer, "result");
    json_string(writer, outcome->result);
    if (outcome->fault_vector != NULL) {
        json_key(writer, "fault");
        json_begin_object(writer);
        json_key(writer, "vector");
        json_string(writer, outcome->fault_vector);
        if (outcome->fault_has_error_code) {
            json_key(writer, "errorCode");
            json_hex64(writer, outcome->fault_error_code);
        }
        json_end_object(writer);
    }
    if (outcome->status != NULL) {
        json_key(writer, "status");
        json_string(writer, outcome->status);
    }
    if (outcome->return_count > 0) {
        json_key(writer, "returns");
        json_begin_object(writer);
        for (unsigned i = 0; i < outcome->return_count; i++) {
            json_key(writer, outcome->return_keys[i]);
            write_value(writer, outcome->return_values[i]);
        }
        json_end_object(writer);
    }
}

void write_outcome_log(struct json_writer *writer, const struct step_outcome *outcome)
{
    json_key(writer, "log");
    json_begin_array(writer);
    for (const struct log_entry *entry = outcome->log_first; entry != NULL; entry = entry->next) {
        json_begin_object(writer);
        json_key(writer, "msg");
        json_string(writer, entry->msg);
        for (unsigned i = 0; i < entry->param_count; i++) {
            json_key(writer, entry->param_names[i]);
            write_value(writer, entry->params[i]);
        }
        json_end_object(writer);
    }
    json_end_array(writer);
}
