#include "state_key.h"

#include <string.h>


bool key_take(struct key_cursor *cursor, const char *literal)
{
    size_t length = strlen(literal);
    if ((size_t)(cursor->end - cursor->at) < length || memcmp(cursor->at, literal, length) != 0)
        return false;
    cursor->at += length;
    return true;
}

bool key_is(const struct key_cursor *cursor, const char *literal)
{
    size_t length = strlen(literal);
    return (size_t)(cursor->end - cursor->at) == length && memcmp(cursor->at, literal, length) == 0;
}

bool key_take_decimal(struct key_cursor *cursor, uint64_t max, uint64_t *out)
{
    const char *p = cursor->at;
    uint64_t value = 0;
    while (p < cursor->end && *p >= '0' && *p <= '9') {
        uint64_t digit = (uint64_t)(*p - '0');
        if (value > (max - digit) / 10)
            return false;
        value = value * 10 + digit;
        p++;
    }
    if (p == cursor->at)
        return false;
    cursor->at = p;
    *out = value;
    return true;
}

bool key_take_hex(struct key_cursor *cursor, uint64_t *out)
{
    const char *p = cursor->at;
    if (cursor->end - p < 3 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
        return false;
    p += 2;
    uint64_t value = 0;
    int digits = 0;
    for (; p < cursor->end; p++, digits++) {
        char c = *p;
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = (unsigned)(c - 'A' + 10);
        else
            break;
        if (digits == 16)
            return false;
        value = value << 4 | digit;
    }
    if (digits == 0)
        return false;
    cursor->at = p;
    *out = value;
    return true;
}

bool key_take_domain(struct key_cursor *cursor, uint64_t *domid)
{
    struct key_cursor saved = *cursor;
    if (key_take(cursor, "d") && key_take_decimal(cursor, UINT64_MAX, domid) && key_take(cursor, "."))
        return true;
    *cursor = saved;
    return false;
}
