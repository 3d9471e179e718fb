/** spec/data/areas/crpin/linux-guest.json as masks. */
import type { Spec } from "../../../../spec";
import type { CrpinLinuxGuest, GuestCrWrite, NativePinningGeneration } from "../../../../spec/types/generated";
import { layout, type Layout } from "../../../x86/layouts";
import { maskOf } from "../rules";

export type WriteStage = GuestCrWrite["stage"];
export type WriteTarget = GuestCrWrite["target"];

export interface CrWriteStep {
  stage: WriteStage;
  target: WriteTarget;
  fromZero: boolean;
  clear: bigint;
  set: bigint;
  setIfFeature: readonly { feature: string; mask: bigint }[];
  pinSafeKeep: bigint;
}

export interface NativeGeneration {
  cr4Mask: bigint;
  cr4Rule: NativePinningGeneration["cr4Rule"];
  cr4Message: string;
  cr0Bits: bigint;
  cr0Message: string;
}

export interface LinuxGuestData {
  sequences: Record<"boot" | "ap" | "kexec", readonly CrWriteStep[]>;
  native: Record<"5.3" | "5.8", NativeGeneration>;
  pvCr0Request: bigint;
  crashkernelParam: string;
}

const cache = new WeakMap<Spec, LinuxGuestData>();

export function linuxGuestData(spec: Spec): LinuxGuestData {
  const cached = cache.get(spec);
  if (cached !== undefined) return cached;
  const data = spec.data<CrpinLinuxGuest>("areas/crpin/linux-guest.json");
  const cr0 = layout(spec, "cr0");
  const cr4 = layout(spec, "cr4");
  // An enter-64-bit step names no bits: any layout reads its empty lists.
  const layouts: Record<WriteTarget, Layout> = { cr0, cr4, efer: layout(spec, "efer"), "enter-64-bit": cr0 };
  const step = (write: GuestCrWrite): CrWriteStep => {
    const bits = layouts[write.target];
    return {
      stage: write.stage,
      target: write.target,
      fromZero: write.base === "zero",
      clear: maskOf(bits, write.clear ?? []),
      set: maskOf(bits, write.set ?? []),
      setIfFeature: Object.entries(write.setIfFeature ?? {}).map(([feature, names]) => ({ feature, mask: maskOf(bits, names) })),
      pinSafeKeep: maskOf(bits, write.pinSafeKeep ?? []),
      // onlyIfChanged (cr4_set_bits skips an unchanged value) is not read: rewriting the value a
      // register holds changes nothing, and no pins can change between the sequence's writes.
    };
  };
  const generation = (given: NativePinningGeneration): NativeGeneration => ({
    cr4Mask: maskOf(cr4, given.cr4Mask),
    cr4Rule: given.cr4Rule,
    cr4Message: given.cr4Message,
    cr0Bits: maskOf(cr0, given.cr0Bits),
    cr0Message: given.cr0Message,
  });
  const parsed: LinuxGuestData = {
    sequences: { boot: data.sequences.boot.map(step), ap: data.sequences.ap.map(step), kexec: data.sequences.kexec.map(step) },
    native: { "5.3": generation(data.nativePinning["5.3"]), "5.8": generation(data.nativePinning["5.8"]) },
    pvCr0Request: maskOf(cr0, data.pvPinRequest.cr0Bits),
    crashkernelParam: data.crashkernelParam,
  };
  cache.set(spec, parsed);
  return parsed;
}
