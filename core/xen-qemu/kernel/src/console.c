#include "console.h"
#include "hypercall.h"
#include "xen.h"
#include "wire.h"

static char buffer[2048];
static u32 used;
static char *redirect_log;
static u32 redirect_capacity;
static volatile u32 *redirect_length;

void console_redirect(char *log, u32 capacity, volatile u32 *length)
{
    redirect_log = log;
    redirect_capacity = capacity;
    redirect_length = length;
}

void out_flush(void)
{
    if (!used)
        return;
    if (redirect_log) {
        for (u32 i = 0; i < used && *redirect_length < redirect_capacity; i++)
            redirect_log[(*redirect_length)++] = buffer[i];
    } else {
        hypercall3(HC_console_io, CONSOLEIO_write, used, buffer);
    }
    used = 0;
}

void out_char(char c)
{
    if (used == sizeof(buffer))
        out_flush();
    buffer[used++] = c;
}

void out_str(const char *s)
{
    while (*s)
        out_char(*s++);
}

void out_hex(u64 value)
{
    char digits[16];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value & 15];
        value >>= 4;
    } while (value);
    while (n)
        out_char(digits[--n]);
}

/* Divides *n by 10 and returns the remainder, with 32-bit operations only (a 32-bit build has
 * no libgcc for 64-bit division). */
static unsigned int divide_by_10(u64 *n)
{
    u32 high = (u32)(*n >> 32), low = (u32)*n;
    u32 quotient_high = high / 10;
    u64 rest = ((u64)(high % 10) << 32) | low;
    /* rest < 10 * 2^32: split it into 16-bit steps to stay within 32 bits */
    u32 r = (u32)(rest >> 16);
    u32 q1 = r / 10;
    r = ((r % 10) << 16) | (u32)(rest & 0xffff);
    u32 q0 = r / 10;
    *n = ((u64)quotient_high << 32) | ((u64)q1 << 16) | q0;
    return r % 10;
}

void out_dec(s64 value)
{
    char digits[20];
    int n = 0;
    u64 magnitude = value < 0 ? (u64)0 - (u64)value : (u64)value;
    if (value < 0)
        out_char('-');
    do {
        digits[n++] = (char)('0' + divide_by_10(&magnitude));
    } while (magnitude);
    while (n)
        out_char(digits[--n]);
}

void fatal(const char *what, s64 code)
{
    out_char(WIRE_LINE_FATAL);
    out_char(' ');
    out_str(what);
    out_char(' ');
    out_dec(code);
    out_char('\n');
    out_flush();
    unsigned int reason = SHUTDOWN_crash;
    for (;;)
        hypercall2(HC_sched_op, SCHEDOP_shutdown, &reason);
}
