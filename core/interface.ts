/**
 * The pluggable core interface. A core is an implementation of the ABI under
 * test: it describes itself and executes cases whose expectations have been
 * stripped, returning what it observed. The runner compares.
 */
import type { AreaName, Config, Step, StepObservation } from "../spec/types/generated";

export type { AreaName, Config, StepObservation };

export interface CoreDescription {
  /** e.g. "hvabi-reference", "xen-c-model". */
  name: string;
  version: string;
  /** Profiles the core implements (spec/data/profiles.json names). */
  profiles: string[];
  /** Areas the core implements; cases of other areas are skipped. */
  areas: string[];
  /** Operations the core implements; cases using others are skipped. */
  operations: string[];
  /** Free-form: implementation language, homepage, build. */
  about?: string;
  /**
   * How many cases this core wants per call to run(), when more at a time make it faster (a
   * core that boots a machine per group of cases); the runner uses it unless --batch-size says
   * otherwise.
   */
  batchSize?: number;
}

/** What the runner asks a core to observe after a step, derived from the step's expectation keys (never its values). */
export interface ObserveRequest {
  /** `state` keys to report. */
  state?: string[];
  /** Report the normative console messages the step printed. */
  log?: boolean;
}

type StripExpectations<S> = S extends unknown ? Omit<S, "expect" | "expectByProfile" | "note"> : never;

/** A step as a core sees it: the operation and its arguments, defaults filled in. */
export type StepInput = StripExpectations<Step> & { observe?: ObserveRequest };

/** A case as a core sees it. Every default of `config` and of each step's `args` is filled in. */
export interface CaseInput {
  id: string;
  area: AreaName;
  profile: string;
  config: Required<Config>;
  steps: StepInput[];
}

export type CaseOutcome =
  | { kind: "observed"; steps: StepObservation[]; durationMs?: number }
  | { kind: "skipped"; reason: string }
  /** The core reported an error, or answered something that is not a valid outcome (status core-error). */
  | { kind: "errored"; message: string; stderr?: string }
  /** The core process died while this case was in flight (status crash). */
  | { kind: "crashed"; message: string; stderr?: string }
  /** The core took longer than the time limit on this case (status timeout). */
  | { kind: "timed-out"; message: string; stderr?: string };

/** The runner's view of a core, whatever kind it is (in-process, module, subprocess). */
export interface Core {
  readonly description: CoreDescription;
  /**
   * Runs a batch of cases; resolves to one outcome per input, in input order.
   * In-process cores run synchronously inside; subprocess cores use one round trip per batch.
   */
  run(cases: readonly CaseInput[]): Promise<CaseOutcome[]>;
  close(): Promise<void>;
  /** What the core printed on stderr so far, its tail (subprocess cores); kept in the report as `coreStderr`. */
  stderr?(): string;
}

/**
 * The simplest thing a user module can export as a core: a description and a
 * per-case function. The runner wraps it into a {@link Core}.
 */
export interface CaseExecutor {
  readonly description: CoreDescription;
  execute(input: CaseInput): CaseOutcome | Promise<CaseOutcome>;
  close?(): void | Promise<void>;
}
