/** CPUID feature flags by name, read from spec/data/x86/cpuid.json (where each flag lives). */
import type { Spec } from "../../spec";
import type { CpuidFeature, X86CpuidCatalogue } from "../../spec/types/generated";

export interface CpuidCatalogue {
  feature(name: string): CpuidFeature;
  /** The flags reported at one leaf and subleaf, in catalogue order. */
  at(leaf: number, subleaf: number): readonly CpuidFeature[];
  readonly all: readonly CpuidFeature[];
}

const cache = new WeakMap<Spec, CpuidCatalogue>();

export function cpuidCatalogue(spec: Spec): CpuidCatalogue {
  let catalogue = cache.get(spec);
  if (catalogue === undefined) {
    const all = spec.data<X86CpuidCatalogue>("x86/cpuid.json").features;
    const byName = new Map(all.map((feature) => [feature.name, feature]));
    catalogue = {
      all,
      feature(name) {
        const found = byName.get(name);
        if (found === undefined) throw new Error(`spec/data/x86/cpuid.json has no feature ${name}`);
        return found;
      },
      at: (leaf, subleaf) => all.filter((feature) => feature.leaf === leaf && feature.subleaf === subleaf),
    };
    cache.set(spec, catalogue);
  }
  return catalogue;
}
