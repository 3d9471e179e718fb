#include "case_run.h"

#include <stdarg.h>
#include <stdio.h>

_Noreturn void case_fail(struct case_run *run, const char *format, ...)
{
    size_t used = 0;
    if (run->step_index >= 0)
        used = (size_t)snprintf(run->message, sizeof run->message, "step %d (%s): ", run->step_index,
                                run->op_name != NULL ? run->op_name : "?");
    if (used >= sizeof run->message)
        used = sizeof run->message - 1;
    va_list args;
    va_start(args, format);
    vsnprintf(run->message + used, sizeof run->message - used, format, args);
    va_end(args);
    longjmp(run->on_failure, 1);
}

_Noreturn void case_skip(struct case_run *run, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(run->message, sizeof run->message, format, args);
    va_end(args);
    run->skipped = true;
    longjmp(run->on_failure, 1);
}

void *case_alloc(struct case_run *run, size_t size)
{
    void *memory = arena_alloc(run->arena, size);
    if (memory == NULL)
        case_fail(run, "out of memory (the case needs more than the core allows per case)");
    return memory;
}

void *case_zalloc(struct case_run *run, size_t size)
{
    void *memory = arena_zalloc(run->arena, size);
    if (memory == NULL)
        case_fail(run, "out of memory (the case needs more than the core allows per case)");
    return memory;
}

char *case_strndup(struct case_run *run, const char *text, size_t length)
{
    char *copy = arena_strndup(run->arena, text, length);
    if (copy == NULL)
        case_fail(run, "out of memory (the case needs more than the core allows per case)");
    return copy;
}
