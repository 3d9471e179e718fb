/**
 * Xen's generic command-line parsing (xen-pv-abi-facts K1–K3; xen/common/kernel.c
 * parse_params(), parse_bool(), parse_boolean()).
 */

/** Xen copies each option into a buffer of MAX_PARAM_SIZE (128) bytes and silently truncates the rest. */
export const MAX_PARAM_SIZE = 128;

export const INVALID = -1;
/** parse_boolean(): the name matched but the value after `=` is not a boolean. */
export const NOT_A_BOOLEAN = -2;

/** parse_bool(): exactly these strings, case-sensitive (K2). */
export function parseBool(text: string): 0 | 1 | -1 {
  switch (text) {
    case "1": case "on": case "yes": case "true": case "enable":
      return 1;
    case "0": case "no": case "off": case "false": case "disable":
      return 0;
    default:
      return -1;
  }
}

/** parse_boolean(name, element): 1/0 for a recognised element, -1 if not this option, -2 if `name=<not a bool>` (K2). */
export function parseBoolean(name: string, element: string): number {
  const negated = element.startsWith("no-");
  const rest = negated ? element.slice(3) : element;
  if (!rest.startsWith(name)) return INVALID;
  if (rest.length === name.length) return negated ? 0 : 1;
  if (negated) return INVALID;
  if (rest[name.length] !== "=") return INVALID;
  const value = parseBool(rest.slice(name.length + 1));
  return value >= 0 ? value : NOT_A_BOOLEAN;
}

/** One whitespace-separated option as parse_params() splits it. */
export interface ParsedOption {
  /** The key as written, including any `no-` prefix (what Xen prints). */
  key: string;
  /** The key without `no-`. */
  name: string;
  negated: boolean;
  /** What follows the first `=` ("" without one). */
  value: string;
}

/**
 * Splits a command line the way parse_params() does: on spaces only, at the first `=`, with truncation.
 * The command line is a C string to Xen, so it ends at the first NUL.
 */
export function splitOptions(cmdline: string): ParsedOption[] {
  const options: ParsedOption[] = [];
  const nul = cmdline.indexOf("\0");
  for (const raw of (nul >= 0 ? cmdline.slice(0, nul) : cmdline).split(" ")) {
    if (raw === "") continue;
    const option = raw.slice(0, MAX_PARAM_SIZE - 1);
    const eq = option.indexOf("=");
    const [key, value] = eq >= 0 ? [option.slice(0, eq), option.slice(eq + 1)] : [option, ""];
    const negated = key.startsWith("no-");
    options.push({ key, name: negated ? key.slice(3) : key, negated, value });
  }
  return options;
}

/**
 * The argument parse_params() hands a custom handler, or undefined when it
 * refuses the option itself (`no-KEY=VALUE` gives -EINVAL without a call, K1).
 */
export function customHandlerArgument(option: ParsedOption): string | undefined {
  if (!option.negated) return option.value;
  return option.value === "" ? "no" : undefined;
}

/** The value parse_params() prints for an option (a bare `no-KEY` prints "no"). */
export function printedValue(option: ParsedOption): string {
  return option.negated && option.value === "" ? "no" : option.value;
}

/**
 * The key parse_params() prints for a custom parameter. For a bare `no-KEY`
 * (or `no-KEY=`) it writes the handler's "no" into the option buffer, which
 * the printed key points at, so the key prints as "no" as well.
 */
export function printedCustomKey(option: ParsedOption): string {
  return option.negated && option.value === "" ? "no" : option.key;
}

/** Splits a list-style value into comma-separated elements, keeping empty ones (K3). */
export function listElements(value: string): string[] {
  return value.split(",");
}

/**
 * simple_strtol(s, &end, 10) over a whole element: the signed 64-bit result, or
 * undefined unless the digits consume the entire string (unsigned arithmetic wraps at 2^64).
 */
export function strictDecimal(text: string): bigint | undefined {
  const negative = text.startsWith("-");
  const digits = negative ? text.slice(1) : text;
  if (!/^[0-9]*$/.test(digits)) return undefined;
  let value = 0n;
  for (const digit of digits) value = (value * 10n + BigInt(digit.charCodeAt(0) - 48)) & ((1n << 64n) - 1n);
  if (negative) value = (-value) & ((1n << 64n) - 1n);
  return BigInt.asIntN(64, value);
}
