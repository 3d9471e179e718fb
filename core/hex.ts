/** 64-bit values travel as "0x..." strings in JSON and as bigint in code. */

const HEX = /^0x[0-9a-fA-F]+$/;
export const U64_MASK = (1n << 64n) - 1n;

export function isHex(value: unknown): value is string {
  return typeof value === "string" && HEX.test(value);
}

export function parseHex(text: string): bigint {
  if (!HEX.test(text)) throw new Error(`not a 0x hex value: ${JSON.stringify(text)}`);
  return BigInt(text);
}

/** Canonical form: lowercase, no leading zeros. */
export function toHex(value: bigint | number): string {
  const big = BigInt(value);
  if (big < 0n) throw new Error(`negative value ${big} has no hex64 form`);
  return `0x${big.toString(16)}`;
}

export const bit = (n: number): bigint => 1n << BigInt(n);
export const hasBits = (value: bigint, mask: bigint): boolean => (value & mask) === mask;
export const anyBits = (value: bigint, mask: bigint): boolean => (value & mask) !== 0n;
