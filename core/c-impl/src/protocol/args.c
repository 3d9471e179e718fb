#include "args.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const struct json_value *member(struct arg_object object, const char *name)
{
    return json_member(object.object, name);
}

static _Noreturn void missing(struct case_run *run, struct arg_object object, const char *name, const char *what)
{
    case_fail(run, "%s.%s is required: it must be %s", object.where, name, what);
}

static _Noreturn void wrong(struct case_run *run, struct arg_object object, const char *name, const char *what,
                            const struct json_value *found)
{
    case_fail(run, "%s.%s must be %s, found %s", object.where, name, what, json_type_name(found));
}

struct arg_object arg_object(struct case_run *run, struct arg_object parent, const char *name)
{
    const struct json_value *value = member(parent, name);
    if (value == NULL)
        missing(run, parent, name, "an object");
    if (value->type != JSON_OBJECT)
        wrong(run, parent, name, "an object", value);
    /* The path lives as long as the case. */
    size_t length = strlen(parent.where) + 1 + strlen(name);
    char *where = case_alloc(run, length + 1);
    memcpy(where, parent.where, strlen(parent.where));
    where[strlen(parent.where)] = '.';
    memcpy(where + strlen(parent.where) + 1, name, strlen(name) + 1);
    return (struct arg_object){ value, where };
}

bool arg_has(struct arg_object object, const char *name)
{
    return member(object, name) != NULL;
}

bool arg_int_optional(struct case_run *run, struct arg_object object, const char *name, int64_t min, int64_t max,
                      int64_t *out)
{
    const struct json_value *value = member(object, name);
    if (value == NULL)
        return false;
    if (value->type != JSON_NUMBER || !value->is_int64 || value->u.integer < min || value->u.integer > max) {
        if (value->type == JSON_NUMBER && value->is_int64)
            case_fail(run, "%s.%s must be an integer in %" PRId64 "..%" PRId64 ", found %" PRId64, object.where,
                      name, min, max, value->u.integer);
        case_fail(run, "%s.%s must be an integer in %" PRId64 "..%" PRId64 ", found %s", object.where, name, min,
                  max, json_type_name(value));
    }
    *out = value->u.integer;
    return true;
}

int64_t arg_int(struct case_run *run, struct arg_object object, const char *name, int64_t min, int64_t max)
{
    int64_t out;
    if (!arg_int_optional(run, object, name, min, max, &out))
        missing(run, object, name, "an integer");
    return out;
}

bool arg_bool(struct case_run *run, struct arg_object object, const char *name)
{
    const struct json_value *value = member(object, name);
    if (value == NULL)
        missing(run, object, name, "true or false");
    if (value->type != JSON_TRUE && value->type != JSON_FALSE)
        wrong(run, object, name, "true or false", value);
    return value->type == JSON_TRUE;
}

bool parse_hex64(const char *text, size_t length, uint64_t *out)
{
    if (length < 3 || length > 18 || text[0] != '0' || text[1] != 'x')
        return false;
    uint64_t value = 0;
    for (size_t i = 2; i < length; i++) {
        char c = text[i];
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = (unsigned)(c - 'A' + 10);
        else
            return false;
        value = value << 4 | digit;
    }
    *out = value;
    return true;
}

bool arg_hex64_optional(struct case_run *run, struct arg_object object, const char *name, uint64_t *out)
{
    const struct json_value *value = member(object, name);
    if (value == NULL)
        return false;
    if (value->type != JSON_STRING)
        wrong(run, object, name, "a \"0x…\" hex string", value);
    if (!parse_hex64(value->u.string, value->length, out))
        case_fail(run, "%s.%s must be a \"0x…\" string of 1 to 16 hex digits, found \"%.40s\"", object.where, name,
                  value->u.string);
    return true;
}

uint64_t arg_hex64(struct case_run *run, struct arg_object object, const char *name)
{
    uint64_t out;
    if (!arg_hex64_optional(run, object, name, &out))
        missing(run, object, name, "a \"0x…\" hex string");
    return out;
}

const struct json_value *arg_string(struct case_run *run, struct arg_object object, const char *name)
{
    const struct json_value *value = member(object, name);
    if (value == NULL)
        missing(run, object, name, "a string");
    if (value->type != JSON_STRING)
        wrong(run, object, name, "a string", value);
    return value;
}

int arg_enum(struct case_run *run, struct arg_object object, const char *name, const char *const *choices)
{
    const struct json_value *value = arg_string(run, object, name);
    for (int i = 0; choices[i] != NULL; i++)
        if (json_is_string(value, choices[i]))
            return i;
    char list[256];
    size_t used = 0;
    list[0] = '\0';
    for (int i = 0; choices[i] != NULL && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
    case_fail(run, "%s.%s must be one of %s, found \"%.40s\"", object.where, name, list, value->u.string);
}

const struct json_value *arg_array(struct case_run *run, struct arg_object object, const char *name)
{
    const struct json_value *value = member(object, name);
    if (value == NULL)
        missing(run, object, name, "an array");
    if (value->type != JSON_ARRAY)
        wrong(run, object, name, "an array", value);
    return value;
}
