/*
 * A randomized driver for fuzz_json.c where libFuzzer is not available:
 * mutates seed documents (byte flips, insertions, deletions, splices of JSON
 * fragments) and generates random documents. Deterministic for a given seed.
 *
 *   fuzz-json [runs] [seed]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static size_t below(size_t n)
{
    return n ? (size_t)(next_random() % n) : 0;
}

static const char *const seeds[] = {
    "{\"cmd\":\"run\",\"batch\":0,\"cases\":[{\"id\":\"gnttab.a\",\"area\":\"gnttab\",\"profile\":\"xen-4.22\","
    "\"config\":{\"xen\":{\"cmdline\":\"gnttab=max_ver:1\"},\"domains\":[{\"domid\":1}]},"
    "\"steps\":[{\"op\":\"boot\",\"observe\":{\"state\":[\"xen.gnttab.maxVersion\"],\"log\":true}}]}]}",
    "[\"\\ud83d\\ude00\",\"\\ud800\",\"\\u00e9\\n\\t\\\"\",-0,1e5,-9223372036854775808,18446744073709551616]",
    "{\"a\":{\"b\":{\"c\":[[],{},null,true,false,\"\xe2\x82\xac\"]}}}",
    "\"\xf0\x9f\x98\x80\xc3\xa9\"",
};

static const char *const fragments[] = {
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\u0000", "0", "-", "1e", ".5",
    "true", "null", "false", " ", "\n", "\xc3", "\xed\xa0\x80", "\xf4\x90", "\xff", "\x00", "\"k\":", "[[[[",
};

static size_t mutate(uint8_t *buffer, size_t length, size_t capacity)
{
    int rounds = 1 + (int)below(8);
    for (int r = 0; r < rounds; r++) {
        switch (below(5)) {
        case 0: /* flip a byte */
            if (length)
                buffer[below(length)] ^= (uint8_t)(1u << below(8));
            break;
        case 1: /* random byte */
            if (length)
                buffer[below(length)] = (uint8_t)next_random();
            break;
        case 2: { /* delete a run */
            if (!length)
                break;
            size_t at = below(length), n = 1 + below(8);
            if (at + n > length)
                n = length - at;
            memmove(buffer + at, buffer + at + n, length - at - n);
            length -= n;
            break;
        }
        default: { /* insert a fragment */
            const char *fragment = fragments[below(sizeof fragments / sizeof fragments[0])];
            size_t n = strlen(fragment) ? strlen(fragment) : 1;
            if (length + n > capacity)
                break;
            size_t at = below(length + 1);
            memmove(buffer + at + n, buffer + at, length - at);
            memcpy(buffer + at, fragment, n);
            length += n;
            break;
        }
        }
    }
    return length;
}

/* A random, usually valid, document. */
static size_t generate(char *out, size_t capacity, int depth)
{
    if (capacity < 64)
        return 0;
    switch (depth > 6 ? below(4) : below(7)) {
    case 0: return (size_t)snprintf(out, capacity, "%lld", (long long)(int64_t)next_random() >> below(64));
    case 1: return (size_t)snprintf(out, capacity, "%s", below(2) ? "true" : "null");
    case 2: return (size_t)snprintf(out, capacity, "\"\\u%04x%s\"", (unsigned)below(0x10000), below(2) ? "x" : "");
    case 3: return (size_t)snprintf(out, capacity, "\"%s\"", fragments[below(4)]);
    default: {
        int object = below(2);
        size_t n = 0;
        out[n++] = object ? '{' : '[';
        size_t items = below(5);
        for (size_t i = 0; i < items && n + 80 < capacity; i++) {
            if (i)
                out[n++] = ',';
            if (object)
                n += (size_t)snprintf(out + n, capacity - n, "\"k%zu\":", below(4));
            n += generate(out + n, capacity - n - 2, depth + 1);
        }
        out[n++] = object ? '}' : ']';
        return n;
    }
    }
}

int main(int argc, char **argv)
{
    long runs = argc > 1 ? atol(argv[1]) : 100000;
    if (argc > 2)
        state = strtoull(argv[2], NULL, 0) | 1;
    static uint8_t buffer[1 << 16];
    for (long run = 0; run < runs; run++) {
        size_t length;
        if (below(3) == 0) {
            length = generate((char *)buffer, sizeof buffer / 2, 0);
        } else {
            const char *seed = seeds[below(sizeof seeds / sizeof seeds[0])];
            length = strlen(seed);
            memcpy(buffer, seed, length);
        }
        if (below(4) != 0)
            length = mutate(buffer, length, sizeof buffer);
        LLVMFuzzerTestOneInput(buffer, length);
    }
    printf("fuzz-json: %ld inputs, no failure\n", runs);
    return 0;
}
