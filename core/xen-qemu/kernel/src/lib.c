/* The few C library functions a freestanding build still needs (gcc may emit calls to them). */
#include "types.h"

void *memset(void *dst, int value, size_t len)
{
    u8 *d = dst;
    while (len--)
        *d++ = (u8)value;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t len)
{
    u8 *d = dst;
    const u8 *s = src;
    while (len--)
        *d++ = *s++;
    return dst;
}

int memcmp(const void *a, const void *b, size_t len)
{
    const u8 *x = a, *y = b;
    for (; len; len--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

void *memmove(void *dst, const void *src, size_t len)
{
    u8 *d = dst;
    const u8 *s = src;
    if (d < s)
        while (len--)
            *d++ = *s++;
    else
        while (len--)
            d[len] = s[len];
    return dst;
}
