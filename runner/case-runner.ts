/**
 * Runs case files against one core: load and check each file, strip the
 * expectations, send the cases in batches, judge what comes back. This is the
 * work of one lane of a run (run.ts), in the main thread or in a worker thread
 * (parallel.ts); a lane knows nothing of the files other lanes run, so
 * repeated ids across files are settled afterwards, by the caller.
 */
import type { Spec } from "../spec";
import type { Case, CaseResult, StepObservation, StepReport } from "../spec/types/generated";
import { formatProblem } from "../spec/validation/schema-errors";
import type { CaseInput, CaseOutcome, Core } from "../core/interface";
import type { ProfileRun } from "./applicability";
import { expectationFor, polarityIn } from "./case-checks";
import { compareStep } from "./compare";
import { loadCaseFile, type LoadedCase } from "./loader";
import { SharedStrings } from "./shared-strings";
import { stripCase } from "./strip";
import { validator } from "../spec/validation/validators";

export type Detail = "failures" | "all";

export interface LaneOptions {
  /** Only these profiles (--profile); undefined means every profile a case applies to. */
  profiles?: readonly string[];
  /** Cases per call to the core. */
  batchSize: number;
  detail: Detail;
}

export interface FileTask {
  path: string;
  /** False: load the file only for its id (another shard runs it). */
  run: boolean;
}

export interface FileOutcome {
  /** As reported: relative to the working directory when inside it. */
  file: string;
  /** The case id of a file that loaded; ids repeated across files are settled by the caller. */
  id?: string;
  /**
   * For a file that loaded and runs but has no result of its own (it repeats
   * an id this lane has seen, or --profile left none of its profiles): the
   * result it gets, as an `error`, when an earlier file has the same id. A
   * file with results gets it from them (settle.ts), which costs no memory.
   */
  head?: CaseResult;
  /** The case's polarity when it is the same in every profile: what a result tied to no profile carries. */
  side?: "accept" | "refuse";
  /** In report order: by the position of the profile among the case's runs (its profiles, then those it inherits). */
  results: CaseResult[];
}

interface WorkItem {
  loaded: LoadedCase;
  run: ProfileRun;
  /** The profile's position among the case's runs: where its result goes among the file's. */
  rank: number;
  input: CaseInput;
  results: (CaseResult | undefined)[];
}

/** The result of a case in one of its profiles (a run; null for a result tied to no profile), before it is judged. */
export function baseResult(loaded: LoadedCase, run: ProfileRun | null): CaseResult {
  const { polarity } = loaded.data;
  const side = typeof polarity === "string" ? polarity : run === null ? undefined : polarityIn(loaded.data, run.profile, run.inheritedFrom);
  return {
    id: loaded.data.id,
    profile: run === null ? null : run.profile,
    file: loaded.file,
    area: loaded.area,
    status: "pass",
    durationMs: 0,
    title: loaded.data.title,
    clauses: loaded.data.clauses,
    ...(side === undefined ? {} : { polarity: side }),
    ...(run?.inheritedFrom === undefined ? {} : { inheritedFrom: run.inheritedFrom }),
    hash: loaded.hash,
  };
}

/** Why the core cannot run this case in this profile, or undefined when it can. */
function unsupported(core: Core, loaded: LoadedCase, profile: string): string | undefined {
  const { description } = core;
  if (!description.areas.includes(loaded.area)) return `core ${description.name} does not implement area ${loaded.area}`;
  if (!description.profiles.includes(profile)) return `core ${description.name} does not implement profile ${profile}`;
  const missing = [...new Set(loaded.data.steps.map((s) => s.op))].filter((op) => !description.operations.includes(op));
  if (missing.length > 0) return `core ${description.name} does not implement operation${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
  return undefined;
}

export function judge(loaded: LoadedCase, run: ProfileRun, outcome: CaseOutcome, detail: Detail): CaseResult {
  const { profile } = run;
  const result = baseResult(loaded, run);
  if (outcome.kind === "skipped") return { ...result, status: "skip", reason: outcome.reason };
  if (outcome.kind === "errored") return { ...result, status: "core-error", reason: outcome.message, ...(outcome.stderr ? { stderr: outcome.stderr } : {}) };
  if (outcome.kind === "crashed" || outcome.kind === "timed-out") {
    const status = outcome.kind === "crashed" ? "crash" : "timeout";
    return { ...result, status, reason: outcome.message, ...(outcome.stderr ? { stderr: outcome.stderr } : {}) };
  }
  result.durationMs = outcome.durationMs ?? 0;
  const steps = loaded.data.steps;
  if (!Array.isArray(outcome.steps) || outcome.steps.length !== steps.length) {
    return { ...result, status: "core-error", reason: `the core returned ${Array.isArray(outcome.steps) ? outcome.steps.length : "no"} observations for ${steps.length} steps` };
  }
  const validObservation = validator("observation");
  const reports: StepReport[] = [];
  let failed = false;
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index]!;
    const observed = outcome.steps[index] as StepObservation;
    if (!validObservation(observed)) {
      const why = (validObservation.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`).join("; ");
      return { ...result, status: "core-error", reason: `observation of step ${index} (${step.op}) is not valid: ${why}: ${JSON.stringify(observed).slice(0, 300)}` };
    }
    const expected = expectationFor(step, profile, run.inheritedFrom);
    if (expected === undefined) throw new Error(`case ${loaded.data.id} has no expectation for ${profile} at step ${index}`);
    const mismatches = compareStep(expected, observed);
    if (mismatches.length > 0) failed = true;
    const args = "args" in step ? (step.args as Record<string, unknown>) : undefined;
    reports.push({ index, op: step.op, ...(args ? { args } : {}), expected, observed, mismatches });
  }
  if (failed) {
    const first = reports.find((r) => r.mismatches.length > 0)!;
    const mismatch = first.mismatches[0]!;
    return {
      ...result,
      status: "fail",
      reason: `step ${first.index} (${first.op}): ${mismatch.field} expected ${JSON.stringify(mismatch.expected)}, observed ${JSON.stringify(mismatch.observed)}`,
      steps: reports,
    };
  }
  return detail === "all" ? { ...result, steps: reports } : result;
}

/** Runs the core on a batch; a core that throws costs the batch, not the run. */
async function execute(core: Core, batch: readonly WorkItem[], detail: Detail): Promise<void> {
  let outcomes: CaseOutcome[];
  try {
    outcomes = await core.run(batch.map((item) => item.input));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcomes = batch.map(() => ({ kind: "errored", message: `the core failed on this batch: ${message}` }));
  }
  batch.forEach((item, i) => {
    const outcome = outcomes[i] ?? { kind: "errored", message: "the core returned no outcome for this case" };
    item.results[item.rank] = judge(item.loaded, item.run, outcome, detail);
  });
}

export function loadFailureResult(failure: Exclude<ReturnType<typeof loadCaseFile>, LoadedCase>): CaseResult {
  return {
    id: failure.id ?? null,
    profile: null,
    file: failure.file,
    area: failure.area ?? null,
    status: "error",
    durationMs: 0,
    reason: failure.problems.map((p) => formatProblem(failure.file, p)).join("\n"),
    problems: failure.problems,
  };
}

/**
 * One lane of a run: a core and the files given to it, chunk after chunk.
 * One batch is in the core while the next is loaded, so a subprocess core
 * computes while this thread reads and checks files (an in-process core has
 * finished by the time its call returns).
 */
export class Lane {
  /** Ids loaded so far, with their file: a later file repeating one is not run (its result is the repeat). */
  private readonly firstFile = new Map<string, string>();
  private readonly shared = new SharedStrings();

  constructor(
    readonly core: Core,
    private readonly spec: Spec,
    private readonly options: LaneOptions,
  ) {}

  async run(tasks: readonly FileTask[]): Promise<FileOutcome[]> {
    const { core, options } = this;
    const outcomes: FileOutcome[] = [];
    /** Per outcome, its results by profile position (a profile left out leaves a hole). */
    const slots: (CaseResult | undefined)[][] = [];
    let pending: WorkItem[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    const send = async (): Promise<void> => {
      const batch = pending;
      pending = [];
      await inFlight;
      inFlight = batch.length === 0 ? Promise.resolve() : execute(core, batch, options.detail);
    };

    for (const task of tasks) {
      const loaded = loadCaseFile(task.path, this.spec);
      if (!loaded.ok) {
        if (task.run) {
          outcomes.push({ file: loaded.file, results: [] });
          slots.push([loadFailureResult(loaded)]);
        }
        continue;
      }
      const { id } = loaded.data;
      // Results outlive their case: let them hold one copy of what recurs across cases.
      loaded.area = this.shared.string(loaded.area);
      loaded.data.profiles = loaded.data.profiles.map((profile) => this.shared.string(profile)) as Case["profiles"];
      loaded.data.clauses = this.shared.list(loaded.data.clauses) as Case["clauses"];
      // Generated corpora repeat their templates' titles.
      loaded.data.title = this.shared.string(loaded.data.title);
      if (typeof loaded.data.polarity === "string") loaded.data.polarity = this.shared.string(loaded.data.polarity);
      const results: (CaseResult | undefined)[] = [];
      const outcome: FileOutcome = { file: loaded.file, id, results: [] };
      outcomes.push(outcome);
      slots.push(results);
      // Only an earlier file makes this one a repeat; a lane given an earlier chunk late (a worker died) runs it.
      const first = this.firstFile.get(id);
      const repeat = first !== undefined && loaded.file >= first;
      if (!repeat) this.firstFile.set(id, loaded.file);
      if (!task.run) continue;
      // Every profile the case applies to, inherited ones included (applicability.ts); --profile selects among them.
      const selected = (run: ProfileRun): boolean => options.profiles === undefined || options.profiles.includes(run.profile);
      if (repeat || !loaded.runs.some(selected)) outcome.head = baseResult(loaded, null);
      else if (typeof loaded.data.polarity === "string") outcome.side = loaded.data.polarity;
      if (repeat) continue;
      for (const [rank, run] of loaded.runs.entries()) {
        if (!selected(run)) continue;
        run.profile = this.shared.string(run.profile);
        const why = run.skip ?? unsupported(core, loaded, run.profile);
        if (why !== undefined) {
          results[rank] = { ...baseResult(loaded, run), status: "skip", reason: why };
          continue;
        }
        pending.push({ loaded, run, rank, input: stripCase(loaded.data, loaded.area, run.profile, run.inheritedFrom), results });
        if (pending.length >= options.batchSize) await send();
      }
    }
    await send();
    await inFlight;
    outcomes.forEach((outcome, i) => {
      outcome.results = slots[i]!.filter((result): result is CaseResult => result !== undefined);
    });
    return outcomes;
  }
}
