/*
 * Xen's command-line conventions (xen-pv-abi-facts K1–K3): options separated
 * by spaces, `key=value`, the `no-` prefix, boolean words, and the decimal
 * reader parameters use.
 */
#ifndef HVABI_XEN_CMDLINE_H
#define HVABI_XEN_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

struct xen_host;

/* Xen's option buffer: longer options are cut to this many bytes minus one. */
enum { XEN_PARAM_SIZE = 128 };

/* K2 parse_bool over [s, e): 1, 0, or -1 when the text is not a boolean word. */
int xen_parse_bool(const char *s, const char *e);

/*
 * K2 parse_boolean over [s, e): `name` → 1, `no-name` → 0, `name=<bool>` → its
 * value, `name=<not a bool>` → -2, anything else (also `no-name=…`) → -1.
 */
int xen_parse_boolean(const char *name, const char *s, const char *e);

/*
 * Decimal number as the hypervisor reads it: no sign, no blanks, digits
 * accumulated in wrapping unsigned 64-bit arithmetic. *end stops at the first
 * non-digit.
 */
uint64_t xen_read_decimal(const char *s, const char **end);

/* Like xen_read_decimal, but one leading '-' negates (still modulo 2^64). */
int64_t xen_read_signed_decimal(const char *s, const char **end);

/* Parses one command line (K1), applying parameters and printing their messages. */
void xen_parse_cmdline(struct xen_host *host, const char *cmdline, size_t length);

#endif
