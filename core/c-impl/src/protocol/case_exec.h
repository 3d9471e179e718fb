/* One case of a `run` batch, from its JSON to its `result` line. */
#ifndef HVABI_CASE_EXEC_H
#define HVABI_CASE_EXEC_H

#include <stdint.h>

#include "../arena.h"
#include "../json/json.h"
#include "../json/writer.h"

/* Writes the complete result line (with its newline) for `input` into `out`. */
void execute_case(const struct json_value *input, int64_t batch, struct arena *case_arena, struct json_writer *out);

#endif
