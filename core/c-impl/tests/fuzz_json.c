/*
 * Fuzz target for the JSON parser and writer. Any input must be either
 * refused with a message or parsed; a parsed tree written back out must parse
 * again to the same tree (so escaping, surrogates and numbers survive).
 * Built for libFuzzer (clang) or driven by fuzz_random_driver.c (gcc).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_tree(struct json_writer *writer, const struct json_value *value)
{
    switch (value->type) {
    case JSON_NULL: json_null(writer); break;
    case JSON_FALSE: json_bool(writer, false); break;
    case JSON_TRUE: json_bool(writer, true); break;
    case JSON_NUMBER:
        if (value->is_int64)
            json_int(writer, value->u.integer);
        else
            json_string(writer, "non-integer");
        break;
    case JSON_STRING: json_string_n(writer, value->u.string, value->length); break;
    case JSON_ARRAY:
        json_begin_array(writer);
        for (const struct json_value *item = value->u.first; item != NULL; item = item->next)
            write_tree(writer, item);
        json_end_array(writer);
        break;
    case JSON_OBJECT:
        json_begin_object(writer);
        for (const struct json_value *item = value->u.first; item != NULL; item = item->next) {
            json_key_n(writer, item->key, item->key_length);
            write_tree(writer, item);
        }
        json_end_object(writer);
        break;
    }
}

static int same_tree(const struct json_value *a, const struct json_value *b)
{
    if (a->key_length != b->key_length || (a->key_length && memcmp(a->key, b->key, a->key_length) != 0))
        return 0;
    if (a->type == JSON_NUMBER && !a->is_int64)
        return b->type == JSON_STRING;
    if (a->type != b->type || a->length != b->length)
        return 0;
    switch (a->type) {
    case JSON_NUMBER: return b->is_int64 && a->u.integer == b->u.integer;
    case JSON_STRING: return memcmp(a->u.string, b->u.string, a->length) == 0;
    case JSON_ARRAY:
    case JSON_OBJECT:
        for (const struct json_value *x = a->u.first, *y = b->u.first; x != NULL || y != NULL; x = x->next, y = y->next)
            if (x == NULL || y == NULL || !same_tree(x, y))
                return 0;
        return 1;
    default: return 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct json_limits limits = { .max_depth = 64, .max_values = 1 << 16 };
    /* An exact-size copy: reading past the input is caught by the sanitizer. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    struct arena arena;
    arena_init(&arena, (size_t)64 << 20);
    struct json_error error;
    struct json_value *tree = json_parse(text, size, &arena, &limits, &error);
    if (tree == NULL) {
        if (error.message[0] == '\0' || error.offset > size)
            abort(); /* a refusal must say why and where */
    } else {
        struct json_writer writer;
        json_writer_init(&writer);
        write_tree(&writer, tree);
        if (writer.failed)
            abort();
        char *again = malloc(writer.length ? writer.length : 1);
        memcpy(again, writer.data, writer.length);
        struct arena second_arena;
        arena_init(&second_arena, (size_t)64 << 20);
        struct json_value *second = json_parse(again, writer.length, &second_arena, &limits, &error);
        if (second == NULL || !same_tree(tree, second)) {
            fprintf(stderr, "round trip changed the document: %.*s\n", (int)writer.length, writer.data);
            abort();
        }
        arena_release(&second_arena);
        free(again);
        json_writer_release(&writer);
    }
    arena_release(&arena);
    free(text);
    return 0;
}
