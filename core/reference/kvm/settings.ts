/**
 * The case configuration as the KVM machine reads it. The loader has filled in
 * every schema default before a core sees a case, so every field is present.
 */
import type { Config, GuestKernel, KvmConfig } from "../../../spec/types/generated";
import { parseHex } from "../../hex";

/** A configuration object as the loader hands it over: every schema default filled in. */
type Filled<T> = T extends string | number | boolean | bigint ? T : { [K in keyof T]-?: Filled<Exclude<T[K], undefined>> };

export interface VcpuStartState {
  cr0: bigint;
  cr3: bigint;
  cr4: bigint;
  efer: bigint;
  cs64: boolean;
}

/** A guest kernel image with every default filled in. */
export type KernelImage = Filled<GuestKernel>;

export interface KvmSettings {
  vcpus: number;
  ignoreMsrs: boolean;
  vmm: Filled<KvmConfig>["vmm"];
  start: VcpuStartState;
  kernel: KernelImage;
  vendor: "intel" | "amd" | "hygon";
  /** Guest CPUID features by name (config.cpu.features). */
  feature(name: string): boolean;
}

export function kvmSettings(config: Required<Config>): KvmSettings {
  const kvm = config.kvm as Filled<KvmConfig>;
  const { vcpu } = kvm;
  const features = config.cpu.features as Record<string, boolean | undefined>;
  return {
    vcpus: kvm.vcpus,
    ignoreMsrs: kvm.ignoreMsrs,
    vmm: kvm.vmm,
    start: { cr0: parseHex(vcpu.cr0), cr3: parseHex(vcpu.cr3), cr4: parseHex(vcpu.cr4), efer: parseHex(vcpu.efer), cs64: vcpu.cs64 },
    kernel: kvm.guest,
    vendor: config.cpu.vendor as KvmSettings["vendor"],
    feature: (name) => features[name] === true,
  };
}
