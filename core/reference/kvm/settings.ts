/**
 * The case configuration as the KVM machine reads it. The runner has filled in
 * every schema default, so a missing value is a runner bug, not a case error.
 */
import type { Config, GuestKernel } from "../../../spec/types/generated";
import { parseHex } from "../../hex";

export interface VcpuStartState {
  cr0: bigint;
  cr3: bigint;
  cr4: bigint;
  efer: bigint;
  cs64: boolean;
}

/** A guest kernel image with every default filled in. */
export interface KernelImage {
  cmdline: string;
  crPinPatches: boolean;
  kconfig: { KVM_GUEST: boolean; PARAVIRT_CR_PIN: boolean; KEXEC_CORE: boolean };
  nativePinning: "none" | "5.3" | "5.8";
}

export interface KvmSettings {
  vcpus: number;
  ignoreMsrs: boolean;
  vmm: { exposeCrPin: boolean; zeroesPinsOnReset: boolean; migratesPins: boolean };
  start: VcpuStartState;
  kernel: KernelImage;
  vendor: "intel" | "amd" | "hygon";
  /** Guest CPUID features by name (config.cpu.features). */
  feature(name: string): boolean;
}

function present<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw new Error(`${path} is missing: the runner fills every schema default before a core sees a case`);
  return value;
}

export function kernelImage(image: GuestKernel | undefined, path: string): KernelImage {
  const given = present(image, path);
  const kconfig = present(given.kconfig, `${path}.kconfig`);
  return {
    cmdline: present(given.cmdline, `${path}.cmdline`),
    crPinPatches: present(given.crPinPatches, `${path}.crPinPatches`),
    kconfig: {
      KVM_GUEST: present(kconfig.KVM_GUEST, `${path}.kconfig.KVM_GUEST`),
      PARAVIRT_CR_PIN: present(kconfig.PARAVIRT_CR_PIN, `${path}.kconfig.PARAVIRT_CR_PIN`),
      KEXEC_CORE: present(kconfig.KEXEC_CORE, `${path}.kconfig.KEXEC_CORE`),
    },
    nativePinning: present(given.nativePinning, `${path}.nativePinning`),
  };
}

export function kvmSettings(config: Required<Config>): KvmSettings {
  const kvm = config.kvm;
  const vmm = present(kvm.vmm, "config.kvm.vmm");
  const vcpu = present(kvm.vcpu, "config.kvm.vcpu");
  const features = (config.cpu.features ?? {}) as Record<string, boolean | undefined>;
  return {
    vcpus: present(kvm.vcpus, "config.kvm.vcpus"),
    ignoreMsrs: present(kvm.ignoreMsrs, "config.kvm.ignoreMsrs"),
    vmm: {
      exposeCrPin: present(vmm.exposeCrPin, "config.kvm.vmm.exposeCrPin"),
      zeroesPinsOnReset: present(vmm.zeroesPinsOnReset, "config.kvm.vmm.zeroesPinsOnReset"),
      migratesPins: present(vmm.migratesPins, "config.kvm.vmm.migratesPins"),
    },
    start: {
      cr0: parseHex(present(vcpu.cr0, "config.kvm.vcpu.cr0")),
      cr3: parseHex(present(vcpu.cr3, "config.kvm.vcpu.cr3")),
      cr4: parseHex(present(vcpu.cr4, "config.kvm.vcpu.cr4")),
      efer: parseHex(present(vcpu.efer, "config.kvm.vcpu.efer")),
      cs64: present(vcpu.cs64, "config.kvm.vcpu.cs64"),
    },
    kernel: kernelImage(kvm.guest, "config.kvm.guest"),
    vendor: present(config.cpu.vendor, "config.cpu.vendor"),
    feature: (name) => features[name] === true,
  };
}
