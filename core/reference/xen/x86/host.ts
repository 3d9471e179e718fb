/** The host CPU of the case model (config.cpu) as Xen sees it. */
import type { CpuFeatures } from "../../../../spec/types/generated";
import type { XenMachine } from "../machine";

export type CpuFeatureName = keyof CpuFeatures;

/** A flag of config.cpu.features (the runner has filled in every default). */
export function cpuFeature(machine: XenMachine, name: CpuFeatureName): boolean {
  return (machine.config.cpu.features ?? {})[name] === true;
}

/** A flag named at run time (spec data): it must be one config.cpu.features defines. */
export function cpuFeatureByName(machine: XenMachine, name: string): boolean {
  const features = (machine.config.cpu.features ?? {}) as Record<string, boolean | undefined>;
  if (!(name in features)) throw new Error(`config.cpu.features has no flag "${name}", which spec data names`);
  return features[name] === true;
}

export const isAmdOrHygon = (machine: XenMachine): boolean => {
  const vendor = machine.config.cpu.vendor!;
  return vendor === "amd" || vendor === "hygon";
};

export const maxPhysAddr = (machine: XenMachine): number => machine.config.cpu.maxPhysAddr ?? 46;

/** Xen runs as the PV shim (needs a PV_SHIM build). */
export const pvShimMode = (machine: XenMachine): boolean => machine.xen.pvShim === true && machine.kconfig("PV_SHIM");

/** hvm_enabled: an HVM build on a CPU with VMX or SVM. */
export const hvmEnabled = (machine: XenMachine): boolean =>
  machine.hvmBuilt && (cpuFeature(machine, "vmx") || cpuFeature(machine, "svm"));
