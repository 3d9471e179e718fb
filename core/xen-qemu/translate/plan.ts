/**
 * What every translator shares: a case being compiled into kernel steps, the boot facts a
 * decoder may read, and the reasons a case cannot run on real Xen.
 *
 * A case step becomes one or more kernel steps (program.ts); each translator returns a decoder
 * that turns their raw results (console.ts) back into the step's observation. State keys the
 * step asks for become further kernel steps after it (state.ts). Nothing here sees an
 * expectation: cores never do.
 */
import type { Spec } from "../../../spec";
import type { Errno, Fault, GrantStatus, StepObservation, Value } from "../../../spec/types/generated";
import type { CaseInput, StepInput } from "../../interface";
import type { RawStep } from "../console";
import type { BootProbe, KernelDomain, KernelStep } from "../program";
import { wire } from "../wire";

/** The case cannot run on real Xen; the message says what is missing (it becomes the skip reason). */
export class Unsupported extends Error {}

/** What one boot told us, read by decoders of the boot step and of xen.* keys. */
export interface BootFacts {
  probes: ReadonlyMap<string, string>;
  /** Xen's register dump while it ran dom0 (debug key 'd'), when asked for. */
  registerDump: readonly string[];
  /** Xen's console lines before the kernel started. */
  bootLog: readonly string[];
  capabilities: readonly string[];
  /** The build the boot ran: decides which normative messages Xen prints. */
  build: "debug" | "release";
}

/** Raw results of the case's kernel steps, by kernel step index. */
export interface Results {
  step(index: number): RawStep;
  /** Xen's console lines printed while kernel step `index` ran (only for steps marked for logs). */
  log(index: number): readonly string[];
  boot: BootFacts;
}

export type Decoder<T> = (results: Results) => T;

export interface PlanEnvironment {
  spec: Spec;
  /** The build of the host the case will run on; undefined while finding out what the case needs of a host. */
  build?: "debug" | "release";
}

/** What a case needs of its host beyond its configuration, found while planning it. */
export interface HostNeeds {
  /** Only a debug build shows what the case reads; the reason says what. */
  debugBuild?: string;
  /** A debug build shows what the case reads more exactly (a release build may leave it unjudged). */
  prefersDebugBuild?: boolean;
}

/** A case while it is being compiled. */
export class CaseBuilder {
  readonly steps: KernelStep[] = [];
  readonly domains: KernelDomain[];
  /** Boot probes the decoders need (program flags). */
  readonly probes = new Set<BootProbe>();
  /** Domains of the case by id, with their type; dom0 is the test kernel itself. */
  readonly domainTypes = new Map<number, KernelDomain["type"]>();
  /** How many vCPUs each domain has (dom0, the test kernel, runs on one). */
  private readonly domainVcpus = new Map<number, number>();
  readonly hostNeeds: HostNeeds = {};

  constructor(
    readonly input: CaseInput,
    readonly env: PlanEnvironment,
    domains: KernelDomain[],
  ) {
    this.domains = domains;
    this.domainTypes.set(0, "pv64");
    this.domainVcpus.set(0, 1);
    for (const d of domains) {
      this.domainTypes.set(d.domid, d.type);
      this.domainVcpus.set(d.domid, d.vcpus);
    }
  }

  /** Domains built for Xen's answers only (created as a step in a context the test kernel cannot run in). */
  private readonly passive = new Set<number>();

  /** Domains created as steps (their frames are the case's too). */
  readonly stepDomains: KernelDomain[] = [];

  addDomain(domain: KernelDomain): void {
    this.domainTypes.set(domain.domid, domain.type);
    this.domainVcpus.set(domain.domid, domain.vcpus);
    this.stepDomains.push(domain);
    if (domain.noExecutor) this.passive.add(domain.domid);
  }

  emit(step: KernelStep): number {
    if (step.dom !== 0 && !this.domainTypes.has(step.dom)) {
      throw new Unsupported(`a step runs in domain ${step.dom}, which the case does not create`);
    }
    if (this.passive.has(step.dom)) {
      throw new Unsupported(`runs a step in domain ${step.dom}, whose vCPU context the test kernel cannot run in`);
    }
    this.steps.push(step);
    return this.steps.length - 1;
  }

  /** The case can run only on a debug build: throws on a release host, else records the need. */
  requireDebugBuild(why: string): void {
    if (this.env.build === "release") throw new Unsupported(`needs a debug build of Xen (${why})`);
    this.hostNeeds.debugBuild ??= why;
  }

  /** Whether to read the debug build's way: on a debug host, or while finding out what the case needs. */
  readsDebugBuild(): boolean {
    if (this.env.build === "release") return false;
    this.hostNeeds.prefersDebugBuild = true;
    return true;
  }

  /** How many vCPUs domain domid has; Unsupported for a domain the case does not create. */
  vcpusOf(domid: number): number {
    this.typeOf(domid);
    return this.domainVcpus.get(domid) ?? 1;
  }

  /**
   * The vCPU a guest step runs on (the step's vcpu argument, 0 by default). The reference model
   * refuses a case whose step names a vCPU its domain does not have; on real Xen no such vCPU
   * could issue it, so the case cannot run.
   */
  vcpuFor(domid: number, vcpu: number | undefined): number {
    const id = vcpu ?? 0;
    const count = this.vcpusOf(domid);
    if (id >= count) {
      throw new Unsupported(domid === 0 ? `runs a step on vCPU ${id} of domain 0, the test kernel, which runs on one` : `runs a step on vCPU ${id} of domain ${domid}, which has ${count}`);
    }
    return id;
  }

  typeOf(domid: number): KernelDomain["type"] {
    const type = this.domainTypes.get(domid);
    if (type === undefined) throw new Unsupported(`domain ${domid} is not created by the case`);
    return type;
  }
}

export type StepTranslator = (step: StepInput, builder: CaseBuilder) => Decoder<StepObservation>;

type Filled<T, K extends keyof T> = T & { [P in K]-?: Exclude<T[P], undefined> };

/**
 * A step's arguments with the schema defaults the runner fills in (the generated types keep
 * defaulted arguments optional). Checked, so that a missing default is an error, never a guess.
 */
export function argsOf<T extends object, K extends keyof T>(step: StepInput, defaulted: readonly K[]): Filled<T, K> {
  const args = ("args" in step ? step.args : undefined) as T | undefined;
  if (args === undefined) throw new Unsupported(`${step.op} has no arguments`);
  for (const key of defaulted) {
    if (args[key] === undefined) throw new DecodeError(`${step.op}: argument ${String(key)} missing (the runner fills schema defaults in)`);
  }
  return args as Filled<T, K>;
}

const VECTORS: readonly (Fault["vector"] | undefined)[] = [
  "#DE", "#DB", "#NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", undefined, "#TS", "#NP", "#SS", "#GP", "#PF",
  undefined, "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
];

export class DecodeError extends Error {}

/** Real Xen reported a value that stands for several of the model's values: the case is not judged. */
export class Ambiguous extends DecodeError {}

export function errnoName(spec: Spec, rc: number): Errno {
  for (const [name, value] of Object.entries(spec.errno)) if (value === -rc) return name as Errno;
  throw new DecodeError(`the hypercall returned ${rc}, which is no errno in spec/data/errno.json`);
}

export function statusName(spec: Spec, status: number): GrantStatus {
  const signed = status >= 0x8000000000000000 ? status - 2 ** 64 : status;
  for (const [name, value] of Object.entries(spec.grantStatus)) if (value === signed) return name as GrantStatus;
  throw new DecodeError(`GNTST value ${signed} is not in spec/data/grant-status.json`);
}

/**
 * The result of a kernel step that is a hypercall or an instruction: ok, an errno, or the
 * exception the guest received. Sentinels other than a fault mean the kernel could not run it.
 */
export function outcomeOf(spec: Spec, raw: RawStep): StepObservation {
  const w = wire();
  if (raw.rc === 0) return { result: "ok" };
  if (raw.rc === w.results.fault) {
    const fault = raw.fault;
    const vector = fault === undefined ? undefined : VECTORS[fault.vector];
    if (fault === undefined || vector === undefined) throw new DecodeError(`the kernel reported a fault with vector ${fault?.vector}`);
    return {
      result: "fault",
      fault: fault.errorCode === undefined ? { vector } : { vector, errorCode: `0x${fault.errorCode.toString(16)}` },
    };
  }
  if (raw.rc === w.results.injectionConflict) {
    throw new DecodeError("the case's top-level page table uses the slot that keeps the test kernel mapped");
  }
  if (raw.rc <= -1000) throw new DecodeError(`the test kernel could not run the step (code ${raw.rc})`);
  return { result: errnoName(spec, raw.rc) };
}

export function output(raw: RawStep, index: number): bigint {
  const value = raw.outputs[index];
  if (value === undefined) throw new DecodeError(`the kernel printed ${raw.outputs.length} outputs, not ${index + 1}`);
  return value.value;
}

export const hex = (value: bigint): string => `0x${value.toString(16)}`;

export type StateDecoder = Decoder<Value>;
