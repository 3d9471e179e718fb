#include "cmdline.h"

#include <stdbool.h>
#include <string.h>

#include "errno.h"
#include "params.h"

int xen_parse_bool(const char *s, const char *e)
{
    static const char *const truths[] = { "1", "on", "yes", "true", "enable" };
    static const char *const falsehoods[] = { "0", "no", "off", "false", "disable" };
    size_t length = (size_t)(e - s);
    for (size_t i = 0; i < sizeof truths / sizeof truths[0]; i++)
        if (strlen(truths[i]) == length && memcmp(s, truths[i], length) == 0)
            return 1;
    for (size_t i = 0; i < sizeof falsehoods / sizeof falsehoods[0]; i++)
        if (strlen(falsehoods[i]) == length && memcmp(s, falsehoods[i], length) == 0)
            return 0;
    return -1;
}

int xen_parse_boolean(const char *name, const char *s, const char *e)
{
    size_t name_length = strlen(name);
    int negated = (size_t)(e - s) >= 3 && memcmp(s, "no-", 3) == 0;
    if (negated)
        s += 3;
    size_t length = (size_t)(e - s);
    if (length < name_length || memcmp(s, name, name_length) != 0)
        return -1;
    if (length == name_length)
        return !negated;
    /* Anything after the name: only `=<bool>`, and never with `no-`. */
    if (negated || s[name_length] != '=')
        return -1;
    int value = xen_parse_bool(s + name_length + 1, e);
    return value >= 0 ? value : -2;
}

uint64_t xen_read_decimal(const char *s, const char **end)
{
    uint64_t value = 0;
    while (*s >= '0' && *s <= '9') {
        value = value * 10 + (uint64_t)(*s - '0');
        s++;
    }
    *end = s;
    return value;
}

int64_t xen_read_signed_decimal(const char *s, const char **end)
{
    if (*s == '-')
        return (int64_t)(0 - xen_read_decimal(s + 1, end));
    return (int64_t)xen_read_decimal(s, end);
}

static void report_invalid(struct xen_host *host, const char *key, const char *value, int rc)
{
    struct log_entry *entry = xen_console(host, "param-invalid");
    if (entry == NULL)
        return;
    log_param(entry, "param", value_text(case_strndup(host->run, key, strlen(key))));
    log_param(entry, "value", value_text(case_strndup(host->run, value, strlen(value))));
    log_param(entry, "rc", value_int(rc));
}

static void report_unknown(struct xen_host *host, const char *key)
{
    struct log_entry *entry = xen_console(host, "param-unknown");
    if (entry != NULL)
        log_param(entry, "param", value_text(case_strndup(host->run, key, strlen(key))));
}

static void parse_option(struct xen_host *host, char *option)
{
    /*
     * `option` is Xen's option buffer. The printed key points at its start,
     * so when a bare `no-KEY` makes the buffer hold "no", that is also what
     * the message names (kernel.c parse_params()).
     */
    char *key = option;
    char *value;
    char *equals = strchr(option, '=');
    if (equals != NULL) {
        *equals = '\0';
        value = equals + 1;
    } else {
        value = option + strlen(option);
    }
    int asserted = strncmp(option, "no-", 3) != 0;
    const char *name = asserted ? option : option + 3;

    int rc = 0;
    struct param_handler handler;
    bool found = xen_find_param(host, name, &handler);
    if (found) {
        switch (handler.kind) {
        case PARAM_AREA:
            if (!asserted && *value != '\0') {
                rc = -XEN_EINVAL;
            } else {
                if (!asserted) {
                    memcpy(option, "no", 3);
                    value = option;
                }
                rc = handler.param->parse(host, handler.state, value);
            }
            break;
        case PARAM_BOOLEAN:
            /* OPT_BOOL: no value means true; otherwise parse_bool() must know the word, and its -1 is the rc. */
            if (*value != '\0' && xen_parse_bool(value, value + strlen(value)) < 0)
                rc = -1;
            break;
        case PARAM_FOREIGN:
            case_skip(host->run,
                      "the command line sets %s, a parameter of area %s, which hvabi-c-core does not implement",
                      name, handler.area);
        case PARAM_UNMODELLED:
            break;
        }
    }
    if (rc != 0)
        report_invalid(host, key, value, rc);
    if (!found)
        report_unknown(host, key);
}

void xen_parse_cmdline(struct xen_host *host, const char *cmdline, size_t length)
{
    /* The command line is a C string to Xen: it ends at the first NUL. */
    const char *nul = memchr(cmdline, '\0', length);
    if (nul != NULL)
        length = (size_t)(nul - cmdline);
    const char *p = cmdline;
    const char *end = cmdline + length;
    char option[XEN_PARAM_SIZE];
    for (;;) {
        while (p < end && *p == ' ')
            p++;
        if (p >= end)
            return;
        size_t kept = 0;
        while (p < end && *p != ' ') {
            if (kept < sizeof option - 1)
                option[kept++] = *p;
            p++;
        }
        option[kept] = '\0';
        parse_option(host, option);
    }
}
