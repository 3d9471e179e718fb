/**
 * What the KVM machine asks of a CR-pinning implementation. The machine owns
 * the architecture (control registers, SMM, INIT, nested, MSR dispatch); a
 * pinning revision plugs its checks in here.
 */
import type { Vcpu, PinnedRegister } from "./vcpu";

export type MsrAccessor = "guest" | "host";

export type MsrRead = { ok: true; value: bigint } | { ok: false };

export interface SmramImage {
  read(field: "cr0" | "cr4"): bigint;
  write(field: "cr0" | "cr4", value: bigint): void;
  /** Whether the image uses the 64-bit save-state layout. */
  readonly layout64: boolean;
}

export interface CrPinning {
  /** Whether a guest write of `next` over `current` is refused by the pins (SMM and exemptions included). */
  refusesGuestWrite(vcpu: Vcpu, register: PinnedRegister, next: bigint, current: bigint): boolean;
  /** RSM, after leaving SMM and before loading: a chance to rewrite the copy of the image KVM loads from. */
  beforeRsmLoad(vcpu: Vcpu, image: SmramImage): void;
  /** kvm_vcpu_reset: vCPU creation and INIT. */
  onVcpuReset(vcpu: Vcpu): void;
  /** The value KVM loads into L1's CR0/CR4 from the vmcs12 host field on a nested VM-exit. */
  nestedExitValue(vcpu: Vcpu, register: PinnedRegister, hostValue: bigint): bigint;
  /** Whether `number` is one of this revision's MSRs. */
  ownsMsr(number: bigint): boolean;
  readMsr(vcpu: Vcpu, number: bigint, accessor: MsrAccessor): MsrRead;
  /** Returns false when KVM refuses the write (guest #GP, host ioctl failure). */
  writeMsr(vcpu: Vcpu, number: bigint, value: bigint, accessor: MsrAccessor): boolean;
  /** The MSRs a VMM that knows the feature saves, restores and zeroes. */
  readonly vmmManagedMsrs: readonly bigint[];
  /** The EAX bit of KVM's CPUID features leaf that the VMM sets to expose the feature. */
  readonly featureMask: bigint;
  /** MSR names and aliases of the revision, to number. */
  msrNumber(name: string): bigint | undefined;
  /** The name of another KVM MSR the revision's base kernel defines at `number` (not modelled). */
  foreignMsr(number: bigint): string | undefined;
}
