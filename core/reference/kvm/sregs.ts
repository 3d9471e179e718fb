/**
 * KVM_SET_SREGS's validity rules (cr-pinning-and-x86-facts 24, 55): the host
 * may load any architecturally valid state; pins are not consulted.
 */
import { reservedBits, type KvmRules } from "./rules";
import type { VcpuStartState } from "./settings";

const HIGH_HALF = 0xffff_ffff_0000_0000n;

/** Why KVM_SET_SREGS would reject `state` (-EINVAL), or undefined when it accepts it. */
export function sregsProblem(rules: KvmRules, state: VcpuStartState, hasFeature: (name: string) => boolean): string | undefined {
  const { cr0, cr4, efer } = rules;
  const has = (value: bigint, mask: bigint): boolean => (value & mask) !== 0n;
  if ((state.cr0 & HIGH_HALF) !== 0n) return "CR0 has bits set in 63:32";
  if (has(state.cr0, cr0.mask("NW")) && !has(state.cr0, cr0.mask("CD"))) return "CR0.NW is set without CR0.CD";
  if (has(state.cr0, cr0.mask("PG")) && !has(state.cr0, cr0.mask("PE"))) return "CR0.PG is set without CR0.PE";
  const cr4Reserved = reservedBits(state.cr4, rules.cr4Known, rules.cr4Gated, hasFeature);
  if (cr4Reserved !== 0n) return `CR4 sets bits reserved for this guest (0x${cr4Reserved.toString(16)})`;
  const eferReserved = reservedBits(state.efer, rules.eferKnown, rules.eferGated, hasFeature);
  if (eferReserved !== 0n) return `EFER sets bits reserved for this guest (0x${eferReserved.toString(16)})`;
  if (has(state.efer, efer.mask("LME")) && has(state.cr0, cr0.mask("PG"))) {
    if (!has(state.cr4, cr4.mask("PAE"))) return "long mode (EFER.LME and CR0.PG) needs CR4.PAE";
    if (!has(state.efer, efer.mask("LMA"))) return "EFER.LME and CR0.PG need EFER.LMA";
  } else {
    if (has(state.efer, efer.mask("LMA"))) return "EFER.LMA is set outside long mode";
    if (state.cs64) return "CS.L is set outside long mode";
  }
  return undefined;
}
