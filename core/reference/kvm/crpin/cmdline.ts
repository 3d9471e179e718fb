/** The two things the guest reads from its command line: a boolean word, and the crashkernel= size. */

/**
 * cmdline_find_option_bool(): the word appears on its own, delimited by
 * whitespace or the ends of the line (`pv_cr_pin=1` and `xpv_cr_pin` do not count).
 */
export function hasWord(cmdline: string, word: string): boolean {
  return cmdline.split(/\s+/).includes(word);
}

const UNITS: Record<string, bigint> = { "": 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n, P: 1n << 50n, E: 1n << 60n };

/**
 * The size the last `<param>=` asks for (`<size>[KMGTPE][@offset]` or `<size>[KMGTPE],high|low`),
 * or 0 when there is none or it does not parse (parse_crashkernel() fails; nothing is reserved).
 */
export function crashkernelSize(cmdline: string, param: string): bigint {
  const prefix = `${param}=`;
  const value = cmdline.split(/\s+/).filter((word) => word.startsWith(prefix)).pop()?.slice(prefix.length);
  if (value === undefined) return 0n;
  const parsed = /^(0x[0-9a-fA-F]+|[0-9]+)([KMGTPE]?)(@(0x[0-9a-fA-F]+|[0-9]+)[KMGTPE]?|,high|,low)?$/.exec(value);
  if (parsed === null) return 0n;
  // Both groups always match (the unit may be empty), and UNITS has every unit the pattern admits.
  return BigInt(parsed[1]!) * UNITS[parsed[2]!]!;
}
