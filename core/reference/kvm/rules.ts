/**
 * The KVM machine's constants as bit masks: spec/data/kvm/model.json, with bit
 * numbers from spec/data/x86/layouts.json.
 */
import type { Spec } from "../../../spec";
import type { KvmModel, SmramLayout } from "../../../spec/types/generated";
import { parseHex } from "../../hex";
import { layout, type Layout } from "../../x86/layouts";

/** A bit that is reserved unless the guest CPUID has one of `features`. */
export interface CpuidGatedBit {
  mask: bigint;
  features: readonly string[];
}

export interface SmramField {
  offset: number;
  size: 4 | 8;
}

export interface SmramFields {
  cr0: SmramField;
  cr3: SmramField;
  cr4: SmramField;
  efer?: SmramField;
}

export interface KvmRules {
  cr0: Layout;
  cr4: Layout;
  efer: Layout;
  reset: { cr0: bigint; cr3: bigint; cr4: bigint; efer: bigint };
  cr0Defined: bigint;
  cr0Forced: bigint;
  lmswMask: bigint;
  cr4Known: bigint;
  cr4Gated: readonly CpuidGatedBit[];
  eferKnown: bigint;
  eferGated: readonly CpuidGatedBit[];
  smm: {
    smbase: bigint;
    saveLow: number;
    saveHigh: number;
    entryCr0Clear: bigint;
    layout64: SmramFields;
    layout32: SmramFields;
  };
  cpuid: { signatureLeaf: bigint; featuresLeaf: bigint; signature: { eax: bigint; ebx: bigint; ecx: bigint; edx: bigint } };
  eferMsr: bigint;
  pvMsrLow: bigint;
  pvMsrHigh: bigint;
}

export const maskOf = (bits: Layout, names: readonly string[]): bigint =>
  names.reduce((mask, name) => mask | bits.mask(name), 0n);

function gated(bits: Layout, table: Record<string, readonly string[] | undefined>): CpuidGatedBit[] {
  // A JSON object has no undefined members (the index signature's `| undefined` is TypeScript's).
  return Object.entries(table).map(([name, features]) => ({ mask: bits.mask(name), features: features! }));
}

function smramFields(given: SmramLayout): SmramFields {
  const field = (entry: { offset: string; size: 4 | 8 }): SmramField => ({ offset: Number(parseHex(entry.offset)), size: entry.size });
  return {
    cr0: field(given.cr0),
    cr3: field(given.cr3),
    cr4: field(given.cr4),
    ...(given.efer === undefined ? {} : { efer: field(given.efer) }),
  };
}

const cache = new WeakMap<Spec, KvmRules>();

export function kvmRules(spec: Spec): KvmRules {
  const cached = cache.get(spec);
  if (cached !== undefined) return cached;
  const model = spec.data<KvmModel>("kvm/model.json");
  const cr0 = layout(spec, "cr0");
  const cr4 = layout(spec, "cr4");
  const efer = layout(spec, "efer");
  const rules: KvmRules = {
    cr0,
    cr4,
    efer,
    reset: {
      cr0: parseHex(model.resetState.cr0),
      cr3: parseHex(model.resetState.cr3),
      cr4: parseHex(model.resetState.cr4),
      efer: parseHex(model.resetState.efer),
    },
    cr0Defined: maskOf(cr0, model.cr0.definedBits),
    cr0Forced: maskOf(cr0, model.cr0.forcedBits),
    lmswMask: maskOf(cr0, model.cr0.lmswBits),
    cr4Known: maskOf(cr4, model.cr4.knownBits),
    cr4Gated: gated(cr4, model.cr4.cpuidBits),
    eferKnown: maskOf(efer, model.efer.knownBits),
    eferGated: gated(efer, model.efer.cpuidBits),
    smm: {
      smbase: parseHex(model.smm.defaultSmbase),
      saveLow: Number(parseHex(model.smm.saveArea.low)),
      saveHigh: Number(parseHex(model.smm.saveArea.high)),
      entryCr0Clear: maskOf(cr0, model.smm.entryCr0Clear),
      layout64: smramFields(model.smm.layouts["64"]),
      layout32: smramFields(model.smm.layouts["32"]),
    },
    cpuid: {
      signatureLeaf: parseHex(model.cpuid.signatureLeaf),
      featuresLeaf: parseHex(model.cpuid.featuresLeaf),
      signature: {
        eax: parseHex(model.cpuid.signature.eax),
        ebx: parseHex(model.cpuid.signature.ebx),
        ecx: parseHex(model.cpuid.signature.ecx),
        edx: parseHex(model.cpuid.signature.edx),
      },
    },
    eferMsr: parseHex(model.msrs.efer),
    pvMsrLow: parseHex(model.msrs.pvRange.low),
    pvMsrHigh: parseHex(model.msrs.pvRange.high),
  };
  cache.set(spec, rules);
  return rules;
}

/** Bits of `value` that are reserved for this guest: unknown, or gated on a CPUID feature it lacks. */
export function reservedBits(
  value: bigint,
  known: bigint,
  gatedBits: readonly CpuidGatedBit[],
  hasFeature: (name: string) => boolean,
): bigint {
  let reserved = value & ~known;
  for (const bit of gatedBits) {
    if ((value & bit.mask) !== 0n && !bit.features.some(hasFeature)) reserved |= bit.mask;
  }
  return reserved;
}
