/**
 * The KVM machine of the reference core: a VM with its vCPUs and the VMM's
 * behaviour. Areas plug their state, operations and state keys in through
 * {@link KvmArea}; the area that pins control registers (crpin) also supplies
 * the pins KVM enforces.
 */
import type { Spec } from "../../../spec";
import type { AreaName, Config, LogEntry, Value } from "../../../spec/types/generated";
import type { StepInput } from "../../interface";
import { CaseModelError } from "../model-error";
import type { Observation } from "../observe";
import type { MsrBus } from "./msrs";
import type { CrPinning } from "./pinning";
import { kvmRules, type KvmRules } from "./rules";
import { kvmSettings, type KvmSettings, type VcpuStartState } from "./settings";
import { sregsProblem } from "./sregs";
import { Vcpu } from "./vcpu";

type ArgsOf<S> = S extends { args?: infer A } ? A : undefined;

/** Operation handlers, typed by the operation's arguments. */
export type KvmOperations = { [S in StepInput as S["op"]]?: (machine: KvmMachine, args: ArgsOf<S>) => Observation };

/** Reads one catalogued state key; it gets the placeholder values as strings. */
export type KvmStateReader = (machine: KvmMachine, params: Record<string, string>) => Value;

/**
 * How an area plugs into the KVM machine, as XenArea does into the Xen machine
 * and struct kvm_area (core/c-impl/src/kvm/area.h) into the C core's.
 */
export interface KvmArea {
  readonly name: AreaName;
  /**
   * Sets the area up on a new machine, before its vCPUs exist: its own state
   * (in {@link KvmMachine.areaState}), and from the area that pins control
   * registers the pins KVM enforces, which it returns: its hooks into MSR
   * access, guest control-register writes, RSM, INIT, nested VM-exit and CPUID.
   */
  attach(machine: KvmMachine): CrPinning | undefined;
  /** Operations the area adds to the machine's own (instructions, host ioctls, VMM actions). */
  readonly operations: KvmOperations;
  /**
   * Readers of the area's state keys, by the key's template in the observables
   * catalogue (e.g. `guest.running`), as XenArea.stateReaders.
   */
  readonly stateReaders: Record<string, KvmStateReader>;
  /** The VMM's system reset as it concerns the area, once every vCPU has its reset state. */
  systemReset(machine: KvmMachine): void;
}

export class KvmMachine implements MsrBus {
  readonly rules: KvmRules;
  readonly settings: KvmSettings;
  /** The control-register pins KVM enforces, from the area that pins them. */
  readonly pinning: CrPinning;
  readonly vcpus: Vcpu[];
  readonly console: LogEntry[] = [];
  /** Per-area state, keyed by area name; each area owns its entry's shape. */
  readonly areaState = new Map<AreaName, unknown>();

  /**
   * `poweredOff`: the case begins with a power-on (guest_boot), so the vCPUs
   * keep their reset state and config.kvm.vcpu does not apply.
   */
  constructor(
    readonly spec: Spec,
    readonly profile: string,
    config: Required<Config>,
    poweredOff: boolean,
    readonly areas: readonly KvmArea[],
  ) {
    this.rules = kvmRules(spec);
    this.settings = kvmSettings(config);
    let pinning: CrPinning | undefined;
    for (const area of areas) pinning = area.attach(this) ?? pinning;
    // The crpin area is among the machine's areas and pins (its attach refuses a profile without a revision).
    this.pinning = pinning!;
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
