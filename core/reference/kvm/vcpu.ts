/** One vCPU of the KVM machine: control registers, SMM, nested guest mode, and its CR pins. */
import type { KvmRules } from "./rules";

/** The pins of one control register: bits that must be 1 (`pin`) and bits that must be 0 (`pinLow`, v3 only). */
export interface RegisterPins {
  pin: bigint;
  pinLow: bigint;
}

export type PinnedRegister = "cr0" | "cr4";

/** What L1 gets back on a nested VM-exit (the vmcs12 host fields). */
export interface NestedState {
  hostCr0: bigint;
  hostCr4: bigint;
}

export class Vcpu {
  cr0: bigint;
  cr3: bigint;
  cr4: bigint;
  efer: bigint;
  /** CS.L: 64-bit code. */
  cs64: boolean;
  smm = false;
  smbase: bigint;
  /** CS.L when the vCPU entered SMM (segments are not part of the modelled save-state image). */
  cs64BeforeSmm = false;
  /** The SMM save-state area, SMBASE+0xfe00..SMBASE+0xffff, little-endian. */
  readonly smram: Uint8Array;
  nested: NestedState | undefined;
  pins: Record<PinnedRegister, RegisterPins> = { cr0: { pin: 0n, pinLow: 0n }, cr4: { pin: 0n, pinLow: 0n } };
  /** Set when KVM stopped the vCPU (an emulation failure); no guest code runs on it afterwards. */
  stopped: string | undefined;

  constructor(
    readonly id: number,
    private readonly rules: KvmRules,
    start: { cr0: bigint; cr3: bigint; cr4: bigint; efer: bigint; cs64: boolean },
  ) {
    this.cr0 = start.cr0;
    this.cr3 = start.cr3;
    this.cr4 = start.cr4;
    this.efer = start.efer;
    this.cs64 = start.cs64;
    this.smbase = rules.smm.smbase;
    this.smram = new Uint8Array(rules.smm.saveHigh - rules.smm.saveLow + 1);
  }

  get guestMode(): boolean {
    return this.nested !== undefined;
  }

  get longModeActive(): boolean {
    return (this.efer & this.rules.efer.mask("LMA")) !== 0n;
  }

  get paging(): boolean {
    return (this.cr0 & this.rules.cr0.mask("PG")) !== 0n;
  }

  /** 64-bit mode: long mode with a 64-bit code segment. */
  get in64BitMode(): boolean {
    return this.longModeActive && this.cs64;
  }

  /** Loads the architectural reset state, as INIT and a VMM reset do (pins are the caller's business). */
  loadResetState(): void {
    const reset = this.rules.reset;
    this.cr0 = reset.cr0;
    this.cr3 = reset.cr3;
    this.cr4 = reset.cr4;
    this.efer = reset.efer;
    this.cs64 = false;
    this.smm = false;
    this.nested = undefined;
  }
}
