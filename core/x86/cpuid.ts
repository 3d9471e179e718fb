/** CPUID feature flags, read from spec/data/x86/cpuid.json (where each flag lives). */
import type { Spec } from "../../spec";
import type { CpuidFeature, X86CpuidCatalogue } from "../../spec/types/generated";

/** The flags reported at one leaf and subleaf, in catalogue order. */
export function cpuidFeaturesAt(spec: Spec, leaf: number, subleaf: number): readonly CpuidFeature[] {
  return spec.data<X86CpuidCatalogue>("x86/cpuid.json").features.filter((feature) => feature.leaf === leaf && feature.subleaf === subleaf);
}
