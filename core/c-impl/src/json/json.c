#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct parser {
    char *text;
    size_t length;
    size_t pos;
    struct arena *arena;
    const struct json_limits *limits;
    size_t values;
    struct json_error *error;
};

static void fail(struct parser *p, size_t offset, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct parser *p, size_t offset, const char *format, ...)
{
    if (p->error == NULL || p->error->message[0] != '\0')
        return; /* keep the first (innermost) explanation */
    p->error->offset = offset;
    va_list args;
    va_start(args, format);
    vsnprintf(p->error->message, sizeof p->error->message, format, args);
    va_end(args);
}

static void describe_byte(char *out, size_t size, const struct parser *p, size_t offset)
{
    if (offset >= p->length) {
        snprintf(out, size, "end of input");
        return;
    }
    unsigned char c = (unsigned char)p->text[offset];
    if (c >= 0x20 && c < 0x7f)
        snprintf(out, size, "'%c'", c);
    else
        snprintf(out, size, "byte 0x%02x", c);
}

static void fail_expected(struct parser *p, const char *expected)
{
    char found[32];
    describe_byte(found, sizeof found, p, p->pos);
    fail(p, p->pos, "expected %s, found %s", expected, found);
}

static void skip_whitespace(struct parser *p)
{
    while (p->pos < p->length) {
        unsigned char c = (unsigned char)p->text[p->pos];
        /* Every JSON whitespace byte is at most ' '; anything above ends the run at once. */
        if (c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r'))
            return;
        p->pos++;
    }
}

/* Bytes a string may hold as they are: printable ASCII other than '"' and '\\'. */
static inline bool plain_string_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static struct json_value *new_value(struct parser *p, enum json_type type)
{
    if (p->values >= p->limits->max_values) {
        fail(p, p->pos, "more than %zu values", p->limits->max_values);
        return NULL;
    }
    struct json_value *value = arena_alloc(p->arena, sizeof *value);
    if (value == NULL) {
        fail(p, p->pos, "out of memory");
        return NULL;
    }
    p->values++;
    value->type = (uint8_t)type;
    value->is_int64 = false;
    value->length = 0;
    value->key = NULL;
    value->key_length = 0;
    value->next = NULL;
    value->u.first = NULL;
    return value;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads the 4 hex digits after "\u" at `at`; -1 when they are not 4 hex digits. */
static long read_hex4(const struct parser *p, size_t at)
{
    if (at > p->length || p->length - at < 4)
        return -1;
    long value = 0;
    for (size_t i = 0; i < 4; i++) {
        int digit = hex_digit(p->text[at + i]);
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

static size_t encode_utf8(char *out, unsigned long code)
{
    if (code < 0x80) {
        out[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        out[0] = (char)(0xc0 | (code >> 6));
        out[1] = (char)(0x80 | (code & 0x3f));
        return 2;
    }
    if (code < 0x10000) {
        out[0] = (char)(0xe0 | (code >> 12));
        out[1] = (char)(0x80 | ((code >> 6) & 0x3f));
        out[2] = (char)(0x80 | (code & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (code >> 18));
    out[1] = (char)(0x80 | ((code >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((code >> 6) & 0x3f));
    out[3] = (char)(0x80 | (code & 0x3f));
    return 4;
}

/* Length of the valid UTF-8 sequence starting at `at`, or 0 when it is not one (RFC 3629). */
static size_t utf8_sequence_length(const struct parser *p, size_t at)
{
    const unsigned char *s = (const unsigned char *)p->text + at;
    size_t available = p->length - at;
    unsigned char lead = s[0];
    size_t need;
    unsigned char low = 0x80, high = 0xbf; /* allowed range of the second byte */
    if (lead >= 0xc2 && lead <= 0xdf) {
        need = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        need = 3;
        if (lead == 0xe0)
            low = 0xa0; /* no overlong forms */
        else if (lead == 0xed)
            high = 0x9f; /* no encoded surrogates */
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        need = 4;
        if (lead == 0xf0)
            low = 0x90;
        else if (lead == 0xf4)
            high = 0x8f; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (available < need || s[1] < low || s[1] > high)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return need;
}

/* p->pos is at the opening quote. Decodes in place; returns the start and sets *out_length. */
static char *parse_string(struct parser *p, uint32_t *out_length)
{
    size_t start = ++p->pos;
    char *text = p->text;
    size_t write = start;
    for (;;) {
        /* Fast path: plain ASCII needs no work until the first escape shifts the text. */
        if (write == p->pos) {
            while (p->pos < p->length && plain_string_byte((unsigned char)text[p->pos]))
                p->pos++;
            write = p->pos;
        } else {
            while (p->pos < p->length && plain_string_byte((unsigned char)text[p->pos]))
                text[write++] = text[p->pos++];
        }
        if (p->pos >= p->length) {
            fail(p, start - 1, "unterminated string");
            return NULL;
        }
        unsigned char c = (unsigned char)text[p->pos];
        if (c == '"') {
            p->pos++;
            break;
        }
        if (c < 0x20) {
            fail(p, p->pos, "raw control character 0x%02x in a string (it must be escaped)", c);
            return NULL;
        }
        if (c >= 0x80) {
            size_t n = utf8_sequence_length(p, p->pos);
            if (n == 0) {
                fail(p, p->pos, "invalid UTF-8 byte 0x%02x in a string", c);
                return NULL;
            }
            if (write != p->pos)
                memmove(text + write, text + p->pos, n);
            write += n;
            p->pos += n;
            continue;
        }
        /* A backslash escape. */
        size_t escape_at = p->pos;
        if (p->pos + 1 >= p->length) {
            fail(p, escape_at, "unterminated escape");
            return NULL;
        }
        char kind = text[p->pos + 1];
        p->pos += 2;
        char decoded;
        switch (kind) {
        case '"': decoded = '"'; break;
        case '\\': decoded = '\\'; break;
        case '/': decoded = '/'; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'u': {
            long unit = read_hex4(p, p->pos);
            if (unit < 0) {
                fail(p, escape_at, "\\u must be followed by 4 hex digits");
                return NULL;
            }
            p->pos += 4;
            unsigned long code = (unsigned long)unit;
            if (unit >= 0xd800 && unit <= 0xdbff && p->pos + 1 < p->length && text[p->pos] == '\\' &&
                text[p->pos + 1] == 'u') {
                long low = read_hex4(p, p->pos + 2);
                if (low >= 0xdc00 && low <= 0xdfff) {
                    code = 0x10000 + (((unsigned long)unit - 0xd800) << 10) + ((unsigned long)low - 0xdc00);
                    p->pos += 6;
                }
            }
            /* An unpaired surrogate is kept in its 3-byte form (see json.h). */
            write += encode_utf8(text + write, code);
            continue;
        }
        default: {
            char found[32];
            describe_byte(found, sizeof found, p, escape_at + 1);
            fail(p, escape_at, "invalid escape \\ followed by %s", found);
            return NULL;
        }
        }
        text[write++] = decoded;
    }
    if (write - start > UINT32_MAX) {
        fail(p, start, "string longer than 4 GiB");
        return NULL;
    }
    /* write < p->pos here: the terminator lands on the closing quote or earlier. */
    text[write] = '\0';
    *out_length = (uint32_t)(write - start);
    return text + start;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static struct json_value *parse_number(struct parser *p)
{
    size_t start = p->pos;
    const char *text = p->text;
    bool negative = false;
    if (text[p->pos] == '-') {
        negative = true;
        p->pos++;
    }
    if (p->pos >= p->length || !is_digit(text[p->pos])) {
        fail_expected(p, "a digit");
        return NULL;
    }
    /* Accumulate the magnitude; it fits int64 when at most 2^63 (negative) or 2^63-1. */
    uint64_t magnitude = 0;
    bool overflow = false;
    if (text[p->pos] == '0') {
        p->pos++;
        if (p->pos < p->length && is_digit(text[p->pos])) {
            fail(p, start, "numbers may not have leading zeros");
            return NULL;
        }
    } else {
        while (p->pos < p->length && is_digit(text[p->pos])) {
            unsigned digit = (unsigned)(text[p->pos] - '0');
            if (magnitude > (UINT64_MAX - digit) / 10)
                overflow = true;
            else
                magnitude = magnitude * 10 + digit;
            p->pos++;
        }
    }
    bool integral = true;
    if (p->pos < p->length && text[p->pos] == '.') {
        integral = false;
        p->pos++;
        if (p->pos >= p->length || !is_digit(text[p->pos])) {
            fail_expected(p, "a digit after the decimal point");
            return NULL;
        }
        while (p->pos < p->length && is_digit(text[p->pos]))
            p->pos++;
    }
    if (p->pos < p->length && (text[p->pos] == 'e' || text[p->pos] == 'E')) {
        integral = false;
        p->pos++;
        if (p->pos < p->length && (text[p->pos] == '+' || text[p->pos] == '-'))
            p->pos++;
        if (p->pos >= p->length || !is_digit(text[p->pos])) {
            fail_expected(p, "a digit in the exponent");
            return NULL;
        }
        while (p->pos < p->length && is_digit(text[p->pos]))
            p->pos++;
    }
    struct json_value *value = new_value(p, JSON_NUMBER);
    if (value == NULL)
        return NULL;
    const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (integral && !overflow && magnitude <= limit) {
        value->is_int64 = true;
        value->u.integer = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
    }
    return value;
}

static bool parse_literal(struct parser *p, const char *word, size_t length)
{
    if (p->length - p->pos < length || memcmp(p->text + p->pos, word, length) != 0) {
        fail(p, p->pos, "invalid literal (expected %s)", word);
        return false;
    }
    p->pos += length;
    return true;
}

static struct json_value *parse_value(struct parser *p, unsigned depth);

static struct json_value *parse_container(struct parser *p, unsigned depth, bool is_object)
{
    if (depth >= p->limits->max_depth) {
        fail(p, p->pos, "nested deeper than %u levels", p->limits->max_depth);
        return NULL;
    }
    struct json_value *container = new_value(p, is_object ? JSON_OBJECT : JSON_ARRAY);
    if (container == NULL)
        return NULL;
    const char close = is_object ? '}' : ']';
    p->pos++;
    skip_whitespace(p);
    if (p->pos < p->length && p->text[p->pos] == close) {
        p->pos++;
        return container;
    }
    struct json_value **link = &container->u.first;
    for (;;) {
        const char *key = NULL;
        uint32_t key_length = 0;
        if (is_object) {
            if (p->pos >= p->length || p->text[p->pos] != '"') {
                fail_expected(p, "a member name in double quotes");
                return NULL;
            }
            key = parse_string(p, &key_length);
            if (key == NULL)
                return NULL;
            skip_whitespace(p);
            if (p->pos >= p->length || p->text[p->pos] != ':') {
                fail_expected(p, "':' after a member name");
                return NULL;
            }
            p->pos++;
            skip_whitespace(p);
        }
        struct json_value *item = parse_value(p, depth + 1);
        if (item == NULL)
            return NULL;
        item->key = key;
        item->key_length = key_length;
        *link = item;
        link = &item->next;
        if (container->length == UINT32_MAX) {
            fail(p, p->pos, "too many members");
            return NULL;
        }
        container->length++;
        skip_whitespace(p);
        if (p->pos < p->length && p->text[p->pos] == ',') {
            p->pos++;
            skip_whitespace(p);
            continue;
        }
        if (p->pos < p->length && p->text[p->pos] == close) {
            p->pos++;
            return container;
        }
        fail_expected(p, is_object ? "',' or '}'" : "',' or ']'");
        return NULL;
    }
}

static struct json_value *parse_value(struct parser *p, unsigned depth)
{
    if (p->pos >= p->length) {
        fail_expected(p, "a value");
        return NULL;
    }
    char c = p->text[p->pos];
    switch (c) {
    case '{':
        return parse_container(p, depth, true);
    case '[':
        return parse_container(p, depth, false);
    case '"': {
        struct json_value *value = new_value(p, JSON_STRING);
        if (value == NULL)
            return NULL;
        uint32_t length;
        const char *string = parse_string(p, &length);
        if (string == NULL)
            return NULL;
        value->u.string = string;
        value->length = length;
        return value;
    }
    case 't':
        return parse_literal(p, "true", 4) ? new_value(p, JSON_TRUE) : NULL;
    case 'f':
        return parse_literal(p, "false", 5) ? new_value(p, JSON_FALSE) : NULL;
    case 'n':
        return parse_literal(p, "null", 4) ? new_value(p, JSON_NULL) : NULL;
    default:
        if (c == '-' || is_digit(c))
            return parse_number(p);
        fail_expected(p, "a value");
        return NULL;
    }
}

struct json_value *json_parse(char *text, size_t length, struct arena *arena,
                              const struct json_limits *limits, struct json_error *error)
{
    struct parser p = {
        .text = text, .length = length, .pos = 0, .arena = arena,
        .limits = limits, .values = 0, .error = error,
    };
    if (error != NULL) {
        error->offset = 0;
        error->message[0] = '\0';
    }
    skip_whitespace(&p);
    struct json_value *root = parse_value(&p, 0);
    if (root == NULL)
        return NULL;
    skip_whitespace(&p);
    if (p.pos != p.length) {
        fail_expected(&p, "the end of the input after the value");
        return NULL;
    }
    return root;
}

const struct json_value *json_member(const struct json_value *object, const char *name)
{
    if (object == NULL || object->type != JSON_OBJECT)
        return NULL;
    size_t name_length = strlen(name);
    const struct json_value *found = NULL;
    for (const struct json_value *member = object->u.first; member != NULL; member = member->next)
        if (member->key_length == name_length && memcmp(member->key, name, name_length) == 0)
            found = member;
    return found;
}

const struct json_value *json_element(const struct json_value *array, size_t index)
{
    if (array == NULL || array->type != JSON_ARRAY)
        return NULL;
    const struct json_value *item = array->u.first;
    while (item != NULL && index-- > 0)
        item = item->next;
    return item;
}

bool json_is_string(const struct json_value *value, const char *text)
{
    if (value == NULL || value->type != JSON_STRING)
        return false;
    size_t length = strlen(text);
    return value->length == length && memcmp(value->u.string, text, length) == 0;
}

const char *json_type_name(const struct json_value *value)
{
    if (value == NULL)
        return "nothing";
    switch (value->type) {
    case JSON_NULL: return "null";
    case JSON_FALSE:
    case JSON_TRUE: return "a boolean";
    case JSON_NUMBER: return value->is_int64 ? "an integer" : "a non-integer number";
    case JSON_STRING: return "a string";
    case JSON_ARRAY: return "an array";
    case JSON_OBJECT: return "an object";
    }
    return "an unknown value";
}
