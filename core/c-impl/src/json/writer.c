#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_writer_init(struct json_writer *writer)
{
    memset(writer, 0, sizeof *writer);
}

void json_writer_release(struct json_writer *writer)
{
    free(writer->data);
    json_writer_init(writer);
}

void json_writer_clear(struct json_writer *writer)
{
    writer->length = 0;
    writer->failed = false;
    writer->depth = 0;
    writer->has_items[0] = false;
    writer->after_key = false;
}

static bool reserve(struct json_writer *writer, size_t extra)
{
    if (writer->failed)
        return false;
    if (writer->capacity - writer->length >= extra)
        return true;
    size_t capacity = writer->capacity ? writer->capacity : 4096;
    while (capacity - writer->length < extra) {
        if (capacity > SIZE_MAX / 2) {
            writer->failed = true;
            return false;
        }
        capacity *= 2;
    }
    char *data = realloc(writer->data, capacity);
    if (data == NULL) {
        writer->failed = true;
        return false;
    }
    writer->data = data;
    writer->capacity = capacity;
    return true;
}

static void put(struct json_writer *writer, const char *bytes, size_t length)
{
    if (!reserve(writer, length))
        return;
    memcpy(writer->data + writer->length, bytes, length);
    writer->length += length;
}

static void put_char(struct json_writer *writer, char c)
{
    if (!reserve(writer, 1))
        return;
    writer->data[writer->length++] = c;
}

/* Comma before a value or key when its container already holds something. */
static void before_item(struct json_writer *writer)
{
    if (writer->after_key) {
        writer->after_key = false;
        return;
    }
    if (writer->has_items[writer->depth])
        put_char(writer, ',');
    writer->has_items[writer->depth] = true;
}

static void open(struct json_writer *writer, char bracket)
{
    before_item(writer);
    put_char(writer, bracket);
    if (writer->depth + 1 >= JSON_WRITER_MAX_DEPTH) {
        writer->failed = true;
        return;
    }
    writer->depth++;
    writer->has_items[writer->depth] = false;
}

static void close(struct json_writer *writer, char bracket)
{
    if (writer->depth == 0) {
        writer->failed = true;
        return;
    }
    writer->depth--;
    put_char(writer, bracket);
}

void json_begin_object(struct json_writer *writer) { open(writer, '{'); }
void json_end_object(struct json_writer *writer) { close(writer, '}'); }
void json_begin_array(struct json_writer *writer) { open(writer, '['); }
void json_end_array(struct json_writer *writer) { close(writer, ']'); }

static const char hex_digits[] = "0123456789abcdef";

static void put_escaped(struct json_writer *writer, const char *text, size_t length)
{
    /* Worst case every byte becomes \u00XX. */
    if (length > (SIZE_MAX - 2) / 6 || !reserve(writer, length * 6 + 2)) {
        writer->failed = true;
        return;
    }
    char *out = writer->data + writer->length;
    *out++ = '"';
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < length) {
        unsigned char c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0xed) {
            *out++ = (char)c;
            i++;
            continue;
        }
        if (c == 0xed && i + 2 < length && s[i + 1] >= 0xa0 && s[i + 1] <= 0xbf) {
            /* The 3-byte form of a surrogate (only an unpaired escape produces it): escape it back. */
            unsigned code = 0xd000u | ((unsigned)(s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
            out[0] = '\\';
            out[1] = 'u';
            out[2] = hex_digits[(code >> 12) & 0xf];
            out[3] = hex_digits[(code >> 8) & 0xf];
            out[4] = hex_digits[(code >> 4) & 0xf];
            out[5] = hex_digits[code & 0xf];
            out += 6;
            i += 3;
            continue;
        }
        if (c == 0xed) {
            *out++ = (char)c;
            i++;
            continue;
        }
        *out++ = '\\';
        switch (c) {
        case '"': *out++ = '"'; break;
        case '\\': *out++ = '\\'; break;
        case '\b': *out++ = 'b'; break;
        case '\f': *out++ = 'f'; break;
        case '\n': *out++ = 'n'; break;
        case '\r': *out++ = 'r'; break;
        case '\t': *out++ = 't'; break;
        default:
            *out++ = 'u';
            *out++ = '0';
            *out++ = '0';
            *out++ = hex_digits[c >> 4];
            *out++ = hex_digits[c & 0xf];
            break;
        }
        i++;
    }
    *out++ = '"';
    writer->length = (size_t)(out - writer->data);
}

void json_key_n(struct json_writer *writer, const char *name, size_t length)
{
    before_item(writer);
    put_escaped(writer, name, length);
    put_char(writer, ':');
    writer->after_key = true;
}

void json_key(struct json_writer *writer, const char *name)
{
    json_key_n(writer, name, strlen(name));
}

void json_string_n(struct json_writer *writer, const char *text, size_t length)
{
    before_item(writer);
    put_escaped(writer, text, length);
}

void json_string(struct json_writer *writer, const char *text)
{
    json_string_n(writer, text, strlen(text));
}

void json_int(struct json_writer *writer, int64_t value)
{
    before_item(writer);
    char digits[24];
    size_t n = 0;
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (!reserve(writer, n + 1))
        return;
    if (value < 0)
        writer->data[writer->length++] = '-';
    while (n > 0)
        writer->data[writer->length++] = digits[--n];
}

void json_bool(struct json_writer *writer, bool value)
{
    before_item(writer);
    if (value)
        put(writer, "true", 4);
    else
        put(writer, "false", 5);
}

void json_null(struct json_writer *writer)
{
    before_item(writer);
    put(writer, "null", 4);
}

void json_hex64(struct json_writer *writer, uint64_t value)
{
    before_item(writer);
    char text[20];
    size_t n = 0;
    text[n++] = '"';
    text[n++] = '0';
    text[n++] = 'x';
    int shift = 60;
    while (shift > 0 && ((value >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        text[n++] = hex_digits[(value >> shift) & 0xf];
    text[n++] = '"';
    put(writer, text, n);
}

void json_raw(struct json_writer *writer, const char *bytes, size_t length)
{
    put(writer, bytes, length);
}

void json_milliseconds(struct json_writer *writer, double value)
{
    if (!(value >= 0) || value > 1e12)
        value = 0;
    uint64_t thousandths = (uint64_t)(value * 1000.0 + 0.5);
    before_item(writer);
    char text[32];
    int n = snprintf(text, sizeof text, "%llu.%03llu", (unsigned long long)(thousandths / 1000),
                     (unsigned long long)(thousandths % 1000));
    if (n > 0)
        put(writer, text, (size_t)n);
}

void json_writer_mark(const struct json_writer *writer, struct json_writer_mark *mark)
{
    mark->length = writer->length;
    mark->depth = writer->depth;
    memcpy(mark->has_items, writer->has_items, sizeof mark->has_items);
    mark->after_key = writer->after_key;
    mark->failed = writer->failed;
}

void json_writer_rewind(struct json_writer *writer, const struct json_writer_mark *mark)
{
    writer->length = mark->length;
    writer->depth = mark->depth;
    memcpy(writer->has_items, mark->has_items, sizeof writer->has_items);
    writer->after_key = mark->after_key;
    writer->failed = mark->failed;
}
