#include "case_exec.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../registry.h"
#include "args.h"
#include "case_run.h"
#include "observation.h"

static const struct json_value empty_object = { .type = JSON_OBJECT };

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void write_skipped(struct json_writer *out, const char *reason)
{
    json_key(out, "outcome");
    json_string(out, "skipped");
    json_key(out, "reason");
    json_string(out, reason);
}

static void write_errored(struct json_writer *out, const char *message)
{
    json_key(out, "outcome");
    json_string(out, "errored");
    json_key(out, "message");
    json_string(out, message);
}

/* Whether a step before `step` has the same operation (each missing one is named once). */
static bool named_earlier(const struct json_value *steps, const struct json_value *step, const struct json_value *op)
{
    for (const struct json_value *earlier = steps->u.first; earlier != step; earlier = earlier->next) {
        const struct json_value *other = json_member(earlier, "op");
        if (other->length == op->length && memcmp(other->u.string, op->u.string, op->length) == 0)
            return true;
    }
    return false;
}

/* Why this core cannot run the case, or NULL. Writes into `reason`. */
static const char *unsupported(const struct json_value *area, const struct json_value *profile,
                               const struct json_value *steps, const struct machine **machine, int *profile_id,
                               char *reason, size_t size)
{
    const struct machine_area *machine_area;
    *machine = area_find(area->u.string, area->length, &machine_area);
    if (*machine == NULL) {
        snprintf(reason, size, "hvabi-c-core does not implement area %.60s", area->u.string);
        return reason;
    }
    *profile_id = profile_find(profile->u.string, profile->length);
    if (*profile_id < 0 || !(machine_area->profiles & (1u << *profile_id))) {
        snprintf(reason, size, "hvabi-c-core does not implement profile %.60s for area %s", profile->u.string,
                 machine_area->name);
        return reason;
    }
    size_t used = 0;
    for (const struct json_value *step = steps->u.first; step != NULL; step = step->next) {
        const struct json_value *op = json_member(step, "op");
        if ((*machine)->has_operation(op->u.string, op->length) || named_earlier(steps, step, op))
            continue;
        if (used == 0)
            used = (size_t)snprintf(reason, size, "hvabi-c-core does not implement operation %.60s", op->u.string);
        else if (used < size)
            used += (size_t)snprintf(reason + used, size - used, ", %.60s", op->u.string);
    }
    return used > 0 ? reason : NULL;
}

/* The case envelope must be well formed before anything runs; returns a complaint or NULL. */
static const char *malformed(const struct json_value *input, char *message, size_t size)
{
    static const char *const strings[] = { "id", "area", "profile" };
    if (input->type != JSON_OBJECT)
        return "a case must be an object";
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        const struct json_value *field = json_member(input, strings[i]);
        if (field == NULL || field->type != JSON_STRING) {
            snprintf(message, size, "the case's %s must be a string, found %s", strings[i], json_type_name(field));
            return message;
        }
    }
    const struct json_value *config = json_member(input, "config");
    if (config == NULL || config->type != JSON_OBJECT) {
        snprintf(message, size, "the case's config must be an object, found %s", json_type_name(config));
        return message;
    }
    const struct json_value *steps = json_member(input, "steps");
    if (steps == NULL || steps->type != JSON_ARRAY) {
        snprintf(message, size, "the case's steps must be an array, found %s", json_type_name(steps));
        return message;
    }
    size_t index = 0;
    for (const struct json_value *step = steps->u.first; step != NULL; step = step->next, index++) {
        const struct json_value *op = json_member(step, "op");
        const struct json_value *args = json_member(step, "args");
        const struct json_value *observe = json_member(step, "observe");
        if (step->type != JSON_OBJECT || op == NULL || op->type != JSON_STRING)
            snprintf(message, size, "steps[%zu] must be an object with a string op", index);
        else if (args != NULL && args->type != JSON_OBJECT)
            snprintf(message, size, "steps[%zu].args must be an object, found %s", index, json_type_name(args));
        else if (observe != NULL && observe->type != JSON_OBJECT)
            snprintf(message, size, "steps[%zu].observe must be an object, found %s", index, json_type_name(observe));
        else
            continue;
        return message;
    }
    return NULL;
}

/* The state keys and log flag a step asks for (protocol.schema.json ObserveRequestSchema). */
static void read_observe(struct case_run *run, const struct json_value *step, const struct json_value **state,
                         bool *log)
{
    const struct json_value *observe = json_member(step, "observe");
    *state = NULL;
    *log = false;
    if (observe == NULL)
        return;
    struct arg_object request = { observe, "observe" };
    if (arg_has(request, "state")) {
        *state = arg_array(run, request, "state");
        size_t index = 0;
        for (const struct json_value *key = (*state)->u.first; key != NULL; key = key->next, index++)
            if (key->type != JSON_STRING)
                case_fail(run, "observe.state[%zu] must be a string, found %s", index, json_type_name(key));
    }
    if (arg_has(request, "log"))
        *log = arg_bool(run, request, "log");
}

static void run_steps(struct case_run *run, const struct machine *machine, const struct json_value *input,
                      struct json_writer *out)
{
    struct arg_object config = { json_member(input, "config"), "config" };
    void *instance = machine->create(run, config);
    json_key(out, "steps");
    json_begin_array(out);
    struct step_outcome outcome;
    int index = 0;
    for (const struct json_value *step = json_member(input, "steps")->u.first; step != NULL;
         step = step->next, index++) {
        const struct json_value *op = json_member(step, "op");
        const struct json_value *args = json_member(step, "args");
        run->step_index = index;
        run->op_name = op->u.string;
        const struct json_value *state;
        bool log;
        read_observe(run, step, &state, &log);
        outcome_reset(&outcome);
        machine->step(instance, run, index, op->u.string, (struct arg_object){ args ? args : &empty_object, "args" },
                      &outcome);
        json_begin_object(out);
        write_outcome_head(out, &outcome);
        if (state != NULL) {
            json_key(out, "state");
            json_begin_object(out);
            for (const struct json_value *key = state->u.first; key != NULL; key = key->next) {
                struct value value = machine->read_state(instance, run, key->u.string, key->length);
                json_key_n(out, key->u.string, key->length);
                write_value(out, value);
            }
            json_end_object(out);
        }
        if (log)
            write_outcome_log(out, &outcome);
        json_end_object(out);
    }
    json_end_array(out);
}

void execute_case(const struct json_value *input, int64_t batch, struct arena *case_arena, struct json_writer *out)
{
    double started = now_ms();
    const struct json_value *id = json_member(input, "id");
    const struct json_value *profile = json_member(input, "profile");
    json_begin_object(out);
    json_key(out, "reply");
    json_string(out, "result");
    json_key(out, "batch");
    json_int(out, batch);
    json_key(out, "id");
    if (id != NULL && id->type == JSON_STRING)
        json_string_n(out, id->u.string, id->length);
    else
        json_string(out, "");
    json_key(out, "profile");
    if (profile != NULL && profile->type == JSON_STRING)
        json_string_n(out, profile->u.string, profile->length);
    else
        json_string(out, "");

    char message[CASE_MESSAGE_SIZE];
    const char *problem = malformed(input, message, sizeof message);
    const struct machine *machine = NULL;
    int profile_id = -1;
    if (problem != NULL) {
        write_errored(out, problem);
    } else if ((problem = unsupported(json_member(input, "area"), profile, json_member(input, "steps"), &machine,
                                      &profile_id, message, sizeof message)) != NULL) {
        write_skipped(out, problem);
    } else {
        static struct case_run run; /* holds a jmp_buf: kept off the stack frame setjmp returns into */
        arena_reset(case_arena);
        run.arena = case_arena;
        run.profile = profile_id;
        run.step_index = -1;
        run.op_name = NULL;
        run.message[0] = '\0';
        run.skipped = false;
        struct json_writer_mark mark;
        json_writer_mark(out, &mark);
        if (setjmp(run.on_failure) == 0) {
            json_key(out, "outcome");
            json_string(out, "observed");
            run_steps(&run, machine, input, out);
            json_key(out, "durationMs");
            json_milliseconds(out, now_ms() - started);
        } else {
            json_writer_rewind(out, &mark);
            if (run.skipped)
                write_skipped(out, run.message);
            else
                write_errored(out, run.message);
        }
    }
    json_end_object(out);
    json_raw(out, "\n", 1);
}
