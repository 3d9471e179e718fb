/**
 * Runs case files against a core: load and validate, strip expectations,
 * execute in batches, compare, and collect one result per case and profile.
 * Bad input never stops the run: it becomes an `error` result.
 */
import { performance } from "node:perf_hooks";
import type { Spec } from "../spec";
import type { CaseResult, Counts, Report, StepObservation, StepReport } from "../spec/types/generated";
import type { CaseInput, CaseOutcome, Core } from "../core/interface";
import { expectationFor, polarityIn } from "./case-checks";
import { compareStep } from "./compare";
import { discoverCaseFiles } from "./discover";
import { formatProblem, loadCaseFile, reportedPath, type LoadedCase } from "./loader";
import { planShards, type ShardSelector } from "./shard";
import { stripCase } from "./strip";
import { validator } from "./validators";
import { packageVersion } from "../spec/paths";

export interface RunOptions {
  paths: string[];
  /** Only these profiles (--profile); undefined means every profile a case applies to. */
  profiles?: string[];
  /** Cases per round trip to the core. */
  batchSize?: number;
  /** Keep expected-versus-observed steps for passing results too (the HTML case view uses them). */
  detail?: "failures" | "all";
  /** Called with each finished result, e.g. for progress output. */
  onResult?: (result: CaseResult) => void;
  /** Run only this shard of the case files (--shard k/n), weighed by durations recorded in a previous report when given. */
  shard?: ShardSelector & { durations?: ReadonlyMap<string, number> };
}

interface WorkItem {
  loaded: LoadedCase;
  profile: string;
  /** The profile's position in the case. */
  rank: number;
  input: CaseInput;
}

const LOAD_CHUNK = 256;
const DEFAULT_BATCH = 64;

export function emptyCounts(): Counts {
  return { total: 0, pass: 0, fail: 0, error: 0, "core-error": 0, crash: 0, timeout: 0, skip: 0 };
}

export function countResults(results: readonly CaseResult[]): Counts {
  const counts = emptyCounts();
  for (const result of results) {
    counts.total++;
    counts[result.status]++;
  }
  return counts;
}

/** Exit code 0 only when everything passed or was skipped with a declared reason. */
export const resultsOk = (counts: Counts): boolean => counts.total === counts.pass + counts.skip;

function baseResult(loaded: LoadedCase, profile: string | null): CaseResult {
  const { polarity } = loaded.data;
  const side = typeof polarity === "string" ? polarity : profile === null ? undefined : polarityIn(loaded.data, profile);
  return {
    id: loaded.data.id,
    profile,
    file: loaded.file,
    area: loaded.area,
    status: "pass",
    durationMs: 0,
    title: loaded.data.title,
    clauses: loaded.data.clauses,
    ...(side === undefined ? {} : { polarity: side }),
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

function judge(item: WorkItem, outcome: CaseOutcome, detail: "failures" | "all"): CaseResult {
  const result = baseResult(item.loaded, item.profile);
  if (outcome.kind === "skipped") return { ...result, status: "skip", reason: outcome.reason };
  if (outcome.kind === "errored") return { ...result, status: "core-error", reason: outcome.message, ...(outcome.stderr ? { stderr: outcome.stderr } : {}) };
  if (outcome.kind === "crashed" || outcome.kind === "timed-out") {
    const status = outcome.kind === "crashed" ? "crash" : "timeout";
    return { ...result, status, reason: outcome.message, ...(outcome.stderr ? { stderr: outcome.stderr } : {}) };
  }
  result.durationMs = outcome.durationMs ?? 0;
  const steps = item.loaded.data.steps;
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
    const expected = expectationFor(step, item.profile);
    if (expected === undefined) throw new Error(`case ${item.loaded.data.id} has no expectation for ${item.profile} at step ${index}`);
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

/**
 * The order of results in a report: by file name (code units, never the
 * locale), then by the position of the profile in the case. It depends on
 * neither batching nor sharding, so merged shards line up with a whole run.
 */
export function compareResultOrder(a: { file: string; rank: number }, b: { file: string; rank: number }): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.rank - b.rank;
}

export async function runSuite(core: Core, spec: Spec, options: RunOptions): Promise<Report> {
  const startedAt = new Date();
  const started = performance.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const detail = options.detail ?? "failures";
  const ranked: { result: CaseResult; file: string; rank: number }[] = [];
  /** `rank` orders a file's results: its profile's position in the case, -1 for results tied to no profile. */
  const emit = (result: CaseResult, rank = -1): void => {
    ranked.push({ result, file: result.file, rank });
    options.onResult?.(result);
  };
  const { files, missing } = discoverCaseFiles(options.paths);
  const plan = options.shard && planShards([...missing, ...files.map((path) => reportedPath(path))], options.shard.count, options.shard.durations);
  // Every shard loads every file (so duplicate ids are found across shards) but runs and reports only its own.
  const inShard = (file: string): boolean => plan === undefined || plan.assignment.get(file) === options.shard?.index;
  for (const path of missing) {
    if (!inShard(path)) continue;
    emit({ id: null, profile: null, file: path, area: null, status: "error", durationMs: 0, reason: `${path}: no such file or directory`, problems: [{ pointer: "", message: "no such file or directory" }] });
  }
  const seen = new Map<string, string>();
  let pending: WorkItem[] = [];

  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    let outcomes: CaseOutcome[];
    try {
      outcomes = await core.run(batch.map((item) => item.input));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcomes = batch.map(() => ({ kind: "errored", message: `the core failed on this batch: ${message}` }));
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i] ?? { kind: "errored", message: "the core returned no outcome for this case" };
      emit(judge(item, outcome, detail), item.rank);
    });
  };

  for (let start = 0; start < files.length; start += LOAD_CHUNK) {
    for (const path of files.slice(start, start + LOAD_CHUNK)) {
      const loaded = loadCaseFile(path, spec);
      const mine = inShard(loaded.file);
      if (!loaded.ok) {
        if (!mine) continue;
        emit({
          id: loaded.id ?? null,
          profile: null,
          file: loaded.file,
          area: loaded.area ?? null,
          status: "error",
          durationMs: 0,
          reason: loaded.problems.map((p) => formatProblem(loaded.file, p)).join("\n"),
          problems: loaded.problems,
        });
        continue;
      }
      const id = loaded.data.id;
      const first = seen.get(id);
      if (first !== undefined) {
        if (!mine) continue;
        emit({ ...baseResult(loaded, null), status: "error", reason: `${loaded.file}: duplicate case id "${id}" (first defined in ${first})`, problems: [{ pointer: "/id", message: `duplicate case id "${id}"`, found: `also in ${first}` }] });
        continue;
      }
      seen.set(id, loaded.file);
      if (!mine) continue;
      for (const [rank, profile] of loaded.data.profiles.entries()) {
        if (options.profiles !== undefined && !options.profiles.includes(profile)) continue;
        const why = unsupported(core, loaded, profile);
        if (why !== undefined) {
          emit({ ...baseResult(loaded, profile), status: "skip", reason: why }, rank);
          continue;
        }
        pending.push({ loaded, profile, rank, input: stripCase(loaded.data, loaded.area, profile) });
        if (pending.length >= batchSize) await flush();
      }
    }
  }
  await flush();

  const results = ranked.sort(compareResultOrder).map((entry) => entry.result);
  const counts = countResults(results);
  return {
    reportVersion: 1,
    tool: { name: "hvabi", version: packageVersion() },
    core: core.description,
    run: {
      paths: options.paths,
      profiles: options.profiles ?? null,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: performance.now() - started,
      ...(plan && options.shard ? { shard: { index: options.shard.index, count: options.shard.count, balance: plan.balance, plan: plan.plan } } : {}),
    },
    counts,
    ok: resultsOk(counts),
    results,
  };
}
