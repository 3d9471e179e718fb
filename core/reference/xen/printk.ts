/** Numbers as Xen's printk formats them in the messages the spec catalogues. */

/** `%x`, or `%#x` when `alternate`: C's `#` flag adds no `0x` to zero. */
export function hexFormat(value: bigint, alternate: boolean): string {
  const digits = value.toString(16);
  return alternate && value !== 0n ? `0x${digits}` : digits;
}
