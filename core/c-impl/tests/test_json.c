/* Unit tests of the JSON parser and writer. Exit status 0 when every check passes. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/writer.h"

static int checks;
static int failures;

#define CHECK(condition, ...)                                                                                          \
    do {                                                                                                               \
        checks++;                                                                                                      \
        if (!(condition)) {                                                                                            \
            failures++;                                                                                                \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #condition);                             \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fputc('\n', stderr);                                                                                       \
        }                                                                                                              \
    } while (0)

static const struct json_limits limits = { .max_depth = 64, .max_values = 100000 };
static struct arena arena;
static char scratch[1 << 16];
static struct json_error last_error;

/* Parses a copy of `text` (the parser decodes strings in place). */
static struct json_value *parse_n(const char *text, size_t length)
{
    memcpy(scratch, text, length);
    arena_reset(&arena);
    return json_parse(scratch, length, &arena, &limits, &last_error);
}

static struct json_value *parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void accepts(const char *text)
{
    CHECK(parse(text) != NULL, "rejected %s: %s", text, last_error.message);
}

static void rejects(const char *text)
{
    CHECK(parse(text) == NULL, "accepted %s", text);
    CHECK(last_error.message[0] != '\0', "no error message for %s", text);
}

static void rejects_n(const char *text, size_t length, const char *what)
{
    CHECK(parse_n(text, length) == NULL, "accepted %s", what);
}

static void test_grammar(void)
{
    const char *valid[] = {
        "null", "true", "false", "0", "-0", "12", "-12", "1.5", "-1.5e10", "1E+2", "1e-2", "0.0",
        "\"\"", "\"a\"", "[]", "{}", "[1,2,3]", "{\"a\":[{}]}", " \t\r\n[ 1 , 2 ] \n", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
        "\"\\u0041\"", "{\"a\":1,\"a\":2}", "[[[[[]]]]]", "\"\x7f\"",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        accepts(valid[i]);
    const char *invalid[] = {
        "", " ", "nul", "tru", "True", "NULL", "01", "-", "-01", "1.", ".5", "+1", "1e", "1e+", "0x10", "NaN",
        "Infinity", "-Infinity", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "'a'", "\"abc",
        "[1 2]", "1 2", "[", "]", "{", "}", "{\"a\"}", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\t\"", "\"\n\"",
        "// c\n1", "/* c */1", "[1]]", "{\"a\":1}}", "\"\\", "truex", "nullnull",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        rejects(invalid[i]);
    rejects_n("\"a\0b\"", 5, "a raw NUL in a string");
    rejects_n("1\0", 2, "a NUL after the value");
}

static void test_numbers(void)
{
    struct json_value *value = parse("9223372036854775807");
    CHECK(value && value->is_int64 && value->u.integer == INT64_MAX, "INT64_MAX");
    value = parse("-9223372036854775808");
    CHECK(value && value->is_int64 && value->u.integer == INT64_MIN, "INT64_MIN");
    value = parse("9223372036854775808");
    CHECK(value && value->type == JSON_NUMBER && !value->is_int64, "2^63 does not fit");
    value = parse("-9223372036854775809");
    CHECK(value && !value->is_int64, "-2^63-1 does not fit");
    value = parse("123456789012345678901234567890");
    CHECK(value && !value->is_int64, "huge integer");
    value = parse("-0");
    CHECK(value && value->is_int64 && value->u.integer == 0, "-0 is 0");
    value = parse("1.0");
    CHECK(value && !value->is_int64, "1.0 is not written as an integer");
    value = parse("1e2");
    CHECK(value && !value->is_int64, "1e2 is not written as an integer");
}

static void expect_string(const char *json, const char *bytes, size_t length)
{
    struct json_value *value = parse(json);
    CHECK(value != NULL && value->type == JSON_STRING, "%s parses as a string", json);
    if (value == NULL || value->type != JSON_STRING)
        return;
    CHECK(value->length == length && memcmp(value->u.string, bytes, length) == 0, "%s decodes as expected", json);
    CHECK(value->u.string[value->length] == '\0', "%s is NUL-terminated", json);
}

static void test_strings(void)
{
    expect_string("\"\\u00e9\"", "\xc3\xa9", 2);
    expect_string("\"\\u20AC\"", "\xe2\x82\xac", 3);
    expect_string("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
    expect_string("\"\\u0000\"", "\0", 1);
    expect_string("\"x\\ny\"", "x\ny", 3);
    /* Unpaired surrogates keep their 3-byte form. */
    expect_string("\"\\ud800\"", "\xed\xa0\x80", 3);
    expect_string("\"\\udfff!\"", "\xed\xbf\xbf!", 4);
    expect_string("\"\\ud800\\u0041\"", "\xed\xa0\x80" "A", 4);
    expect_string("\"\\ud800\\ud800\"", "\xed\xa0\x80\xed\xa0\x80", 6);
    /* Raw UTF-8 (RFC 3629). */
    expect_string("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
    expect_string("\"\xf4\x8f\xbf\xbf\"", "\xf4\x8f\xbf\xbf", 4);
    const char *bad_utf8[] = {
        "\"\xc0\x80\"", "\"\xc1\xbf\"", "\"\xe0\x80\x80\"", "\"\xed\xa0\x80\"", "\"\xf0\x80\x80\x80\"",
        "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xff\"", "\"\x80\"", "\"\xc3\"", "\"\xe2\x82\"",
        "\"\xc3\x28\"",
    };
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++)
        rejects(bad_utf8[i]);
}

static void test_objects(void)
{
    struct json_value *value = parse("{\"a\":1,\"b\":{\"c\":[true,null]},\"a\":3}");
    CHECK(value != NULL && value->type == JSON_OBJECT && value->length == 3, "object with 3 members");
    const struct json_value *a = json_member(value, "a");
    CHECK(a != NULL && a->u.integer == 3, "a repeated name reads as its last value");
    const struct json_value *c = json_member(json_member(value, "b"), "c");
    CHECK(c != NULL && c->type == JSON_ARRAY && c->length == 2, "nested array");
    CHECK(json_element(c, 0)->type == JSON_TRUE && json_element(c, 1)->type == JSON_NULL, "array elements");
    CHECK(json_element(c, 2) == NULL, "past the end");
    CHECK(json_member(value, "missing") == NULL, "missing member");
    CHECK(json_member(a, "x") == NULL, "member of a non-object");
    value = parse("{\"k\\u0065y\":1}");
    CHECK(value != NULL && json_member(value, "key") != NULL, "escaped member name");
}

static void test_limits(void)
{
    char deep[200];
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    CHECK(parse_n(deep, 128) != NULL, "64 levels are allowed");
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    CHECK(parse_n(deep, 130) == NULL && strstr(last_error.message, "deeper") != NULL, "65 levels are refused");
    struct json_limits few = { .max_depth = 8, .max_values = 3 };
    strcpy(scratch, "[1,2]");
    arena_reset(&arena);
    CHECK(json_parse(scratch, 5, &arena, &few, &last_error) != NULL, "3 values within the limit");
    strcpy(scratch, "[1,2,3]");
    arena_reset(&arena);
    CHECK(json_parse(scratch, 7, &arena, &few, &last_error) == NULL, "4 values beyond the limit");
    struct arena tiny;
    arena_init(&tiny, 64);
    strcpy(scratch, "[1,2,3,4,5,6]");
    CHECK(json_parse(scratch, 13, &tiny, &limits, &last_error) == NULL, "an exhausted arena is an error");
    CHECK(strstr(last_error.message, "memory") != NULL, "reported as out of memory: %s", last_error.message);
    arena_release(&tiny);
}

static void test_error_offsets(void)
{
    CHECK(parse("[1,,2]") == NULL && last_error.offset == 3, "offset of ',,' is 3, got %zu", last_error.offset);
    CHECK(parse("{\"a\":tru}") == NULL && last_error.offset == 5, "offset of the bad literal");
    CHECK(parse("[1] x") == NULL && last_error.offset == 4, "offset of trailing text");
    CHECK(strstr(last_error.message, "end of the input") != NULL, "message names what was expected");
}

static char *write_to_string(struct json_writer *writer)
{
    static char text[4096];
    size_t n = writer->length < sizeof text - 1 ? writer->length : sizeof text - 1;
    memcpy(text, writer->data, n);
    text[n] = '\0';
    return text;
}

static void test_writer(void)
{
    struct json_writer writer;
    json_writer_init(&writer);
    json_begin_object(&writer);
    json_key(&writer, "a");
    json_begin_array(&writer);
    json_int(&writer, INT64_MIN);
    json_int(&writer, 0);
    json_int(&writer, INT64_MAX);
    json_bool(&writer, true);
    json_null(&writer);
    json_hex64(&writer, 0);
    json_hex64(&writer, 0x1234abcdULL);
    json_hex64(&writer, UINT64_MAX);
    json_end_array(&writer);
    json_key(&writer, "s");
    static const char tricky[] = "q\"b\\\n\t\x01\x1f\x7f\xc3\xa9\xed\xa0\x80";
    json_string_n(&writer, tricky, sizeof tricky - 1);
    json_key(&writer, "e");
    json_begin_object(&writer);
    json_end_object(&writer);
    json_end_object(&writer);
    const char *expected = "{\"a\":[-9223372036854775808,0,9223372036854775807,true,null,\"0x0\",\"0x1234abcd\","
                           "\"0xffffffffffffffff\"],\"s\":\"q\\\"b\\\\\\n\\t\\u0001\\u001f\x7f\xc3\xa9\\ud800\","
                           "\"e\":{}}";
    char *text = write_to_string(&writer);
    CHECK(strcmp(text, expected) == 0, "writer output\n  got      %s\n  expected %s", text, expected);
    CHECK(parse(text) != NULL, "writer output parses: %s", last_error.message);

    json_writer_clear(&writer);
    json_begin_array(&writer);
    json_int(&writer, 1);
    struct json_writer_mark mark;
    json_writer_mark(&writer, &mark);
    json_begin_object(&writer);
    json_key(&writer, "dropped");
    json_writer_rewind(&writer, &mark);
    json_int(&writer, 2);
    json_end_array(&writer);
    CHECK(strcmp(write_to_string(&writer), "[1,2]") == 0, "rewind drops what followed the mark: %s",
          write_to_string(&writer));

    json_writer_clear(&writer);
    json_milliseconds(&writer, 1.23456);
    CHECK(strcmp(write_to_string(&writer), "1.235") == 0, "milliseconds: %s", write_to_string(&writer));
    json_writer_release(&writer);
}

/* Writes a parsed tree back out. */
static void write_tree(struct json_writer *writer, const struct json_value *value)
{
    switch (value->type) {
    case JSON_NULL: json_null(writer); break;
    case JSON_FALSE: json_bool(writer, false); break;
    case JSON_TRUE: json_bool(writer, true); break;
    case JSON_NUMBER: json_int(writer, value->is_int64 ? value->u.integer : 0); break;
    case JSON_STRING: json_string_n(writer, value->u.string, value->length); break;
    case JSON_ARRAY:
        json_begin_array(writer);
        for (const struct json_value *item = value->u.first; item; item = item->next)
            write_tree(writer, item);
        json_end_array(writer);
        break;
    case JSON_OBJECT:
        json_begin_object(writer);
        for (const struct json_value *item = value->u.first; item; item = item->next) {
            json_key_n(writer, item->key, item->key_length);
            write_tree(writer, item);
        }
        json_end_object(writer);
        break;
    }
}

static void test_round_trip(void)
{
    const char *documents[] = {
        "{\"id\":\"gnttab.x\",\"steps\":[{\"op\":\"boot\",\"observe\":{\"state\":[\"d1.grant[3].type\"],\"log\":true}}]}",
        "[\"\\ud800\",\"\\udbff\\udfff\",\"\\u0000\\u001f\",\"\xe2\x82\xac\"]",
        "{\"\":{\"\":[]},\"n\":-42}",
    };
    struct json_writer writer;
    json_writer_init(&writer);
    for (size_t i = 0; i < sizeof documents / sizeof documents[0]; i++) {
        struct json_value *first = parse(documents[i]);
        CHECK(first != NULL, "document %zu parses", i);
        if (first == NULL)
            continue;
        json_writer_clear(&writer);
        write_tree(&writer, first);
        char once[4096];
        snprintf(once, sizeof once, "%.*s", (int)writer.length, writer.data);
        struct json_value *second = parse(once);
        CHECK(second != NULL, "written document %zu parses: %s", i, once);
        if (second == NULL)
            continue;
        json_writer_clear(&writer);
        write_tree(&writer, second);
        CHECK(writer.length == strlen(once) && memcmp(writer.data, once, writer.length) == 0,
              "document %zu is stable across a round trip", i);
    }
    json_writer_release(&writer);
}

int main(void)
{
    arena_init(&arena, 0);
    test_grammar();
    test_numbers();
    test_strings();
    test_objects();
    test_limits();
    test_error_offsets();
    test_writer();
    test_round_trip();
    arena_release(&arena);
    printf("test-json: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
