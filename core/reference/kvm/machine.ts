/**
 * The KVM machine of the reference core: a VM with its vCPUs, the VMM's
 * behaviour, the profile's CR-pinning revision, and the Linux guest when one
 * has booted.
 */
import type { Spec } from "../../../spec";
import type { Config, LogEntry } from "../../../spec/types/generated";
import { CaseModelError } from "../model-error";
import { crpinRevision, type CrpinRevision } from "./crpin/revision";
import { kvmPinning } from "./crpin/kvm-pinning";
import type { LinuxGuest } from "./crpin/linux-guest";
import type { MsrBus } from "./msrs";
import type { CrPinning } from "./pinning";
import { kvmRules, type KvmRules } from "./rules";
import { kvmSettings, type KvmSettings, type VcpuStartState } from "./settings";
import { sregsProblem } from "./sregs";
import { Vcpu } from "./vcpu";

export class KvmMachine implements MsrBus {
  readonly rules: KvmRules;
  readonly settings: KvmSettings;
  readonly revision: CrpinRevision;
  readonly pinning: CrPinning;
  readonly vcpus: Vcpu[];
  readonly console: LogEntry[] = [];
  /** The Linux guest kernel, once `guest_boot` ran (running or not). */
  guest: LinuxGuest | undefined;

  /**
   * `poweredOff`: the case begins with a power-on (guest_boot), so the vCPUs
   * keep their reset state and config.kvm.vcpu does not apply.
   */
  constructor(
    readonly spec: Spec,
    readonly profile: string,
    config: Required<Config>,
    poweredOff: boolean,
  ) {
    this.rules = kvmRules(spec);
    this.settings = kvmSettings(config);
    const revision = crpinRevision(spec, profile);
    // Every profile a KVM case runs under covers the crpin area (spec/data/profiles.json).
    if (revision === undefined) throw new CaseModelError(`profile ${profile} has no CR-pinning revision: the KVM machine models KVM with one`);
    this.revision = revision;
    this.pinning = kvmPinning(revision, this.settings.ignoreMsrs);
    this.startState = poweredOff ? { ...this.rules.reset, cs64: false } : this.settings.start;
    const problem = sregsProblem(this.rules, this.startState, (feature) => this.hasFeature(feature));
    if (problem !== undefined) throw new CaseModelError(`config.kvm.vcpu is not a state KVM_SET_SREGS accepts: ${problem}`);
    this.vcpus = Array.from({ length: this.settings.vcpus }, (_, id) => this.createVcpu(id));
  }

  private readonly startState: VcpuStartState;

  /** KVM_CREATE_VCPU (kvm_vcpu_reset), then the VMM loads the start state. */
  createVcpu(id: number): Vcpu {
    const vcpu = new Vcpu(id, this.rules, this.startState);
    this.pinning.onVcpuReset(vcpu);
    return vcpu;
  }

  get ignoreMsrs(): boolean {
    return this.settings.ignoreMsrs;
  }

  hasFeature(name: string): boolean {
    return this.settings.feature(name);
  }

  /** Guests whose CPUID has LM use the 64-bit SMM save-state layout. */
  get longModeCapable(): boolean {
    return this.hasFeature("lm");
  }

  vcpu(id: number): Vcpu {
    const vcpu = this.vcpus[id];
    if (vcpu === undefined) throw new CaseModelError(`vCPU ${id} does not exist (config.kvm.vcpus is ${this.vcpus.length})`);
    return vcpu;
  }

  /** A vCPU that can execute guest code. */
  runnable(id: number): Vcpu {
    const vcpu = this.vcpu(id);
    if (vcpu.stopped !== undefined) throw new CaseModelError(`vCPU ${id} was stopped by ${vcpu.stopped}; reset the machine before running guest code on it`);
    return vcpu;
  }

  print(entry: LogEntry): void {
    this.console.push(entry);
  }
}
