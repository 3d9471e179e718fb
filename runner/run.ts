/**
 * Runs case files against a core: load and validate, strip expectations,
 * execute in batches, compare, and collect one result per case and profile.
 * Large runs share their files out among worker threads (parallel.ts); the
 * report is the same either way. Bad input never stops the run: it becomes an
 * `error` result.
 */
import { performance } from "node:perf_hooks";
import type { Spec } from "../spec";
import type { Report } from "../spec/types/generated";
import type { Core } from "../core/interface";
import { Lane, type Detail, type FileOutcome, type FileTask, type LaneOptions } from "./case-runner";
import { discoverCaseFiles } from "./discover";
import { reportedPath } from "./loader";
import { runParallel, workerCount } from "./parallel";
import { performanceSettings } from "./performance-settings";
import { countResults, resultsOk } from "../spec/results";
import { settleOutcomes } from "./settle";
import { planShards, type ShardSelector } from "./shard";
import type { CoreStartOptions } from "./core-kinds/core-kind";
import { packageVersion } from "../spec/paths";

export { compareResultOrder, countResults, emptyCounts, resultsOk } from "../spec/results";

export interface RunOptions {
  paths: string[];
  /** Only these profiles (--profile); undefined means every profile a case applies to. */
  profiles?: string[];
  /** Cases per round trip to the core (default: spec/data/performance.json). */
  batchSize?: number;
  /** Keep expected-versus-observed steps for passing results too (the HTML case view uses them). */
  detail?: Detail;
  /** Run only this shard of the case files (--shard k/n), weighed by durations recorded in a previous report when given. */
  shard?: ShardSelector & { durations?: ReadonlyMap<string, number> };
  /**
   * How worker threads start their own copy of the core: without it the run
   * stays in this thread. `workers` fixes their number (0: none); by default
   * a run with enough files uses what the processors allow.
   */
  parallel?: { core: string; resolve?: CoreStartOptions; workers?: number };
  /** Told about trouble that costs no result, such as a worker thread that stopped. */
  onWarning?: (message: string) => void;
  /** Told, after a run with worker threads, how many case files each thread ran (the main thread first). */
  onThreads?: (filesPerThread: readonly number[]) => void;
}

function reportedCore(description: Core["description"]): Report["core"] {
  const { batchSize: _batchSize, ...reported } = description;
  return reported;
}

export async function runSuite(core: Core, spec: Spec, options: RunOptions): Promise<Report> {
  const startedAt = new Date();
  const started = performance.now();
  const settings = performanceSettings().runner;
  const lane: LaneOptions = {
    ...(options.profiles === undefined ? {} : { profiles: options.profiles }),
    batchSize: options.batchSize ?? core.description.batchSize ?? settings.batchCases,
    detail: options.detail ?? "failures",
  };
  const { files, missing } = discoverCaseFiles(options.paths);
  const plan = options.shard && planShards([...missing, ...files.map((path) => reportedPath(path))], options.shard.count, options.shard.durations);
  // Every shard loads every file (so duplicate ids are found across shards) but runs and reports only its own.
  const inShard = (file: string): boolean => plan === undefined || plan.assignment.get(file) === options.shard?.index;
  const outcomes: FileOutcome[] = missing.filter(inShard).map((path) => ({
    file: path,
    results: [{ id: null, profile: null, file: path, area: null, status: "error", durationMs: 0, reason: `${path}: no such file or directory`, problems: [{ pointer: "", message: "no such file or directory" }] }],
  }));
  const tasks: FileTask[] = files.map((path) => ({ path, run: inShard(reportedPath(path)) }));
  const mainLane = new Lane(core, spec, lane);
  const workers = options.parallel === undefined ? 0 : workerCount(options.parallel.workers, tasks.length, settings);
  if (workers > 0 && options.parallel !== undefined) {
    const setup = { core: options.parallel.core, resolve: options.parallel.resolve ?? {}, lane };
    const parallel = await runParallel(mainLane, tasks, workers, setup, settings, options.onWarning ?? (() => undefined));
    outcomes.push(...parallel.outcomes);
    options.onThreads?.(parallel.filesPerThread);
  } else {
    outcomes.push(...(await mainLane.run(tasks)));
  }

  const results = settleOutcomes(outcomes);
  const counts = countResults(results);
  return {
    reportVersion: 1,
    tool: { name: "hvabi", version: packageVersion() },
    // What the core is, as the report records it: its batching preference is the runner's business.
    core: reportedCore(core.description),
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
