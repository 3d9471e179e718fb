/*
 * What one case needs while it runs: its arena, where it is (step and
 * operation, for messages), and the way out when the case itself is at fault
 * (a malformed argument, an unknown state key): case_fail() jumps back to the
 * protocol layer, which reports the case as `errored` with the message.
 */
#ifndef HVABI_CASE_RUN_H
#define HVABI_CASE_RUN_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arena.h"
#include "../json/json.h"

enum { CASE_MESSAGE_SIZE = 1024 };

struct case_run {
    jmp_buf on_failure;
    /* Set by case_skip(): the core cannot judge the case (rather than the case being at fault). */
    bool skipped;
    struct arena *arena;
    int profile;
    /* -1 while the configuration is being read. */
    int step_index;
    const char *op_name;
    char message[CASE_MESSAGE_SIZE];
};

_Noreturn void case_fail(struct case_run *run, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Leaves the case as `skipped`: it needs something this core does not implement. */
_Noreturn void case_skip(struct case_run *run, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Arena memory for the case; failing the case when memory runs out. */
void *case_alloc(struct case_run *run, size_t size);
void *case_zalloc(struct case_run *run, size_t size);
char *case_strndup(struct case_run *run, const char *text, size_t length);

#endif
