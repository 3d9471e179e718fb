/**
 * The revisions' pin rules as pure functions: when a control-register value
 * violates the pins, and how each revision forces a value into compliance.
 */
import type { CrpinChoices } from "../../../../spec/types/generated";
import type { RegisterPins } from "../vcpu";

/**
 * Whether writing `next` over `current` violates the pins (cr-pinning-and-x86-facts 8, 10, 17):
 * rfc-v1 freezes pinned bits; rfc-v2, once the pin is non-zero, fixes every allowed bit to its pin bit;
 * v3 wants `pin` bits set and `pinLow` bits clear.
 */
export function violatesPins(
  enforcement: CrpinChoices["enforcement"],
  pins: RegisterPins,
  allowed: bigint,
  next: bigint,
  current: bigint,
): boolean {
  switch (enforcement) {
    case "freeze":
      return ((next ^ current) & pins.pin) !== 0n;
    case "fix-allowed":
      return pins.pin !== 0n && ((next ^ pins.pin) & allowed) !== 0n;
    case "ones-zeros":
      return ((~next & pins.pin) | (next & pins.pinLow)) !== 0n;
  }
}

/** rfc-v2's restore_pinned(): pinned bits set, allowed-but-unpinned bits cleared (only applied when the pin is non-zero). */
export function restorePinned(value: bigint, allowed: bigint, pin: bigint): bigint {
  return (value | (pin & allowed)) & ~(~pin & allowed);
}

/** v3's nested VM-exit: (host | pin) & ~pinLow. */
export function forcePins(value: bigint, pins: RegisterPins): bigint {
  return (value | pins.pin) & ~pins.pinLow;
}
