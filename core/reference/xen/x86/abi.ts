/** Typed access to the x86 ABI data of the Xen areas, and bit masks built from layout field names. */
import type { Cr4Abi, PteAbi, XenFeaturesetCatalogue, XenPhysicalMemory } from "../../../../spec/types/generated";
import { layout, type LayoutName } from "../../../x86/layouts";
import type { XenMachine } from "../machine";

export const cr4Abi = (machine: XenMachine): Cr4Abi => machine.spec.data<Cr4Abi>("areas/cr4/abi.json");
export const pteAbi = (machine: XenMachine): PteAbi => machine.spec.data<PteAbi>("areas/pte/abi.json");
export const featureset = (machine: XenMachine): XenFeaturesetCatalogue =>
  machine.spec.data<XenFeaturesetCatalogue>("xen/featureset.json");
export const physicalMemory = (machine: XenMachine): XenPhysicalMemory =>
  machine.spec.data<XenPhysicalMemory>("xen/physical-memory.json");

/** The union of the masks of named fields of a layout. */
export function maskOf(machine: XenMachine, layoutName: LayoutName, names: readonly string[]): bigint {
  const fields = layout(machine.spec, layoutName);
  return names.reduce((mask, name) => mask | fields.mask(name), 0n);
}

export const fieldMask = (machine: XenMachine, layoutName: LayoutName, name: string): bigint =>
  layout(machine.spec, layoutName).mask(name);
