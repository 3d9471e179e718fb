#include "server.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../arena.h"
#include "../json/json.h"
#include "../json/writer.h"
#include "../registry.h"
#include "case_exec.h"
#include "io.h"

enum {
    EXIT_OUT_OF_MEMORY = 1,
    EXIT_PROTOCOL_ERROR = 2,
    EXIT_OUTPUT_CLOSED = 3,
};

/* Bounds on one request: a batch of the whole corpus is well below them. */
static const size_t MAX_REQUEST_BYTES = (size_t)64 << 20;
static const size_t MAX_REQUEST_MEMORY = (size_t)512 << 20;
static const size_t MAX_CASE_MEMORY = (size_t)256 << 20;
static const struct json_limits REQUEST_LIMITS = { .max_depth = 64, .max_values = (size_t)8 << 20 };

struct server {
    int out_fd;
    unsigned long line_number;
    bool started;
    struct arena request_arena;
    struct arena case_arena;
    struct json_writer out;
};

static int protocol_error(struct server *server, const char *format, ...) __attribute__((format(printf, 2, 3)));

static int protocol_error(struct server *server, const char *format, ...)
{
    fprintf(stderr, CORE_NAME ": request line %lu: ", server->line_number);
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    return EXIT_PROTOCOL_ERROR;
}

/* Writes the buffered response: -1 when done, else the exit status. */
static int send(struct server *server)
{
    if (server->out.failed) {
        fprintf(stderr, CORE_NAME ": out of memory while writing a response\n");
        return EXIT_OUT_OF_MEMORY;
    }
    bool written = write_all(server->out_fd, server->out.data, server->out.length);
    json_writer_clear(&server->out);
    if (!written) {
        fprintf(stderr, CORE_NAME ": the runner stopped reading (stdout closed)\n");
        return EXIT_OUTPUT_CLOSED;
    }
    return -1;
}

static void emit_string(void *context, const char *name)
{
    json_string(context, name);
}

static int hello(struct server *server)
{
    struct json_writer *out = &server->out;
    json_begin_object(out);
    json_key(out, "reply");
    json_string(out, "hello");
    json_key(out, "protocol");
    json_int(out, PROTOCOL_VERSION);
    json_key(out, "implementation");
    json_begin_object(out);
    json_key(out, "name");
    json_string(out, CORE_NAME);
    json_key(out, "version");
    json_string(out, CORE_VERSION);
    json_key(out, "profiles");
    json_begin_array(out);
    for (int profile = 0; profile < PROFILE_COUNT; profile++)
        json_string(out, profile_name(profile));
    json_end_array(out);
    json_key(out, "areas");
    json_begin_array(out);
    for (size_t m = 0; m < registry_machine_count; m++)
        for (size_t a = 0; a < registry_machines[m]->area_count; a++)
            json_string(out, registry_machines[m]->areas[a].name);
    json_end_array(out);
    json_key(out, "operations");
    json_begin_array(out);
    for (size_t m = 0; m < registry_machine_count; m++)
        registry_machines[m]->list_operations(emit_string, out);
    json_end_array(out);
    json_key(out, "about");
    json_string(out, "An independent C11 implementation of the grant-table and CR-pinning areas (gcc and libc "
                     "only), written from the clauses and facts; core/c-impl/.");
    json_end_object(out);
    json_end_object(out);
    json_raw(out, "\n", 1);
    return send(server);
}

/* Returns -1 to keep serving, or an exit status. */
static int handle_run(struct server *server, const struct json_value *request)
{
    if (!server->started)
        return protocol_error(server, "`run` before `start`");
    const struct json_value *batch = json_member(request, "batch");
    const struct json_value *cases = json_member(request, "cases");
    if (batch == NULL || batch->type != JSON_NUMBER || !batch->is_int64 || batch->u.integer < 0)
        return protocol_error(server, "`run` needs `batch`, a non-negative integer");
    if (cases == NULL || cases->type != JSON_ARRAY)
        return protocol_error(server, "`run` needs `cases`, an array of cases");
    for (const struct json_value *item = cases->u.first; item != NULL; item = item->next) {
        execute_case(item, batch->u.integer, &server->case_arena, &server->out);
        int status = send(server);
        if (status >= 0)
            return status;
    }
    return -1;
}

static int handle_line(struct server *server, char *line, size_t length)
{
    arena_reset(&server->request_arena);
    struct json_error error;
    const struct json_value *request = json_parse(line, length, &server->request_arena, &REQUEST_LIMITS, &error);
    if (request == NULL)
        return protocol_error(server, "not valid JSON at byte %zu: %s", error.offset, error.message);
    const struct json_value *cmd = json_member(request, "cmd");
    if (request->type != JSON_OBJECT || cmd == NULL || cmd->type != JSON_STRING)
        return protocol_error(server, "a request must be an object with a string `cmd`");
    if (json_is_string(cmd, "start")) {
        const struct json_value *protocol = json_member(request, "protocol");
        if (protocol == NULL || protocol->type != JSON_NUMBER || !protocol->is_int64)
            return protocol_error(server, "`start` needs `protocol`, an integer");
        if (protocol->u.integer != PROTOCOL_VERSION)
            fprintf(stderr, CORE_NAME ": the runner speaks protocol %" PRId64 "; this core speaks %d\n",
                    protocol->u.integer, PROTOCOL_VERSION);
        server->started = true;
        return hello(server);
    }
    if (json_is_string(cmd, "run"))
        return handle_run(server, request);
    if (json_is_string(cmd, "stop"))
        return 0;
    return protocol_error(server, "unknown cmd \"%.40s\" (expected start, run or stop)", cmd->u.string);
}

static bool blank(const char *line, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

int serve(int in_fd, int out_fd)
{
    struct server server = { .out_fd = out_fd };
    arena_init(&server.request_arena, MAX_REQUEST_MEMORY);
    arena_init(&server.case_arena, MAX_CASE_MEMORY);
    json_writer_init(&server.out);
    struct line_reader reader;
    line_reader_init(&reader, in_fd, MAX_REQUEST_BYTES);
    int status = -1;
    while (status < 0) {
        char *line;
        size_t length;
        enum line_status got = line_read(&reader, &line, &length);
        server.line_number++;
        switch (got) {
        case LINE_READ:
            if (!blank(line, length))
                status = handle_line(&server, line, length);
            break;
        case LINE_END_OF_INPUT:
            fprintf(stderr, CORE_NAME ": input closed without `stop`\n");
            status = 0;
            break;
        case LINE_TOO_LONG:
            status = protocol_error(&server, "longer than %zu bytes", MAX_REQUEST_BYTES);
            break;
        case LINE_READ_ERROR:
            fprintf(stderr, CORE_NAME ": cannot read stdin\n");
            status = 1;
            break;
        case LINE_OUT_OF_MEMORY:
            status = protocol_error(&server, "out of memory while reading it");
            break;
        }
    }
    line_reader_release(&reader);
    json_writer_release(&server.out);
    arena_release(&server.request_arena);
    arena_release(&server.case_arena);
    return status;
}
