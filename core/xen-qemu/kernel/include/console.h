/*
 * Compact console output. dom0 writes through CONSOLEIO_write; a domU cannot (Xen lets only
 * the hardware domain use the console in a release build), so its text goes to a log in its
 * mailbox page, which dom0 prints when the domU fails. A console line costs about a
 * millisecond under emulation: the kernel prints one line per case.
 */
#ifndef HVABI_CONSOLE_H
#define HVABI_CONSOLE_H

#include "types.h"

/* Where text goes in a domU: a byte log dom0 can read. */
void console_redirect(char *log, u32 capacity, volatile u32 *length);

void out_char(char c);
void out_str(const char *s);
void out_hex(u64 value);
void out_dec(s64 value);
void out_flush(void);

NORETURN void fatal(const char *what, s64 code);

#endif
