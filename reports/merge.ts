/**
 * Joins the reports of the shards of one run (`--shard k/n`) into the report
 * the whole run would have written: same results in the same order, counts
 * and verdict recomputed; only timings differ. Refuses anything that would
 * make the merged report lie: a missing or repeated shard, shards of different
 * runs, cores or splits, or a file reported by two shards.
 */
import { isDeepStrictEqual } from "node:util";
import type { CaseResult, Report } from "../spec/types/generated";
import { compareResultOrder, countResults, resultsOk } from "../spec/results";

export interface ShardReport {
  /** Where the report was read from, for messages. */
  path: string;
  report: Report;
}

export class MergeError extends Error {}

type ShardInfo = NonNullable<Report["run"]["shard"]>;

function shardOf({ path, report }: ShardReport): ShardInfo {
  const shard = report.run.shard;
  if (shard === undefined) throw new MergeError(`${path} is not a shard (it was not run with --shard k/n); there is nothing to merge it with`);
  return shard;
}

function requireSame<T>(inputs: readonly ShardReport[], what: string, read: (report: Report) => T): void {
  const first = inputs[0]!;
  for (const other of inputs.slice(1)) {
    if (!isDeepStrictEqual(read(first.report), read(other.report))) {
      throw new MergeError(
        `${other.path} and ${first.path} differ in ${what} (${JSON.stringify(read(other.report))} versus ${JSON.stringify(read(first.report))}): they are not shards of one run`,
      );
    }
  }
}

function checkComplete(inputs: readonly ShardReport[]): number {
  const count = shardOf(inputs[0]!).count;
  const byIndex = new Map<number, string>();
  for (const input of inputs) {
    const shard = shardOf(input);
    if (shard.count !== count) throw new MergeError(`${input.path} is shard ${shard.index}/${shard.count} but ${inputs[0]!.path} is one of ${count}`);
    const previous = byIndex.get(shard.index);
    if (previous !== undefined) throw new MergeError(`shard ${shard.index}/${count} is given twice: ${previous} and ${input.path}`);
    byIndex.set(shard.index, input.path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw new MergeError(`shard${missing.length > 1 ? "s" : ""} ${missing.map((index) => `${index}/${count}`).join(", ")} missing: a merged report without ${missing.length > 1 ? "them" : "it"} would leave cases out`);
  }
  return count;
}

function checkDisjoint(inputs: readonly ShardReport[]): void {
  const owner = new Map<string, string>();
  for (const { path, report } of inputs) {
    for (const file of new Set(report.results.map((result) => result.file))) {
      const other = owner.get(file);
      if (other !== undefined) throw new MergeError(`${file} has results in both ${other} and ${path}: the shards were not split the same way`);
      owner.set(file, path);
    }
  }
}

export function mergeShards(inputs: readonly ShardReport[]): Report {
  if (inputs.length === 0) throw new MergeError("no reports to merge");
  const count = checkComplete(inputs);
  requireSame(inputs, "report version", (r) => r.reportVersion);
  requireSame(inputs, "hvabi version", (r) => r.tool);
  requireSame(inputs, "core", (r) => r.core);
  requireSame(inputs, "case paths", (r) => r.run.paths);
  requireSame(inputs, "profiles", (r) => r.run.profiles);
  requireSame(inputs, "split (the shard plan; give every shard the same --durations-from report)", (r) => r.run.shard?.plan ?? null);
  checkDisjoint(inputs);

  const ordered = [...inputs].sort((a, b) => shardOf(a).index - shardOf(b).index);
  // Each shard already lists a file's results in profile order; a stable sort by file keeps that order.
  const results: CaseResult[] = ordered
    .flatMap(({ report }) => report.results)
    .map((result, position) => ({ result, file: result.file, rank: position }))
    .sort(compareResultOrder)
    .map((entry) => entry.result);
  const counts = countResults(results);
  const first = ordered[0]!.report;
  const started = ordered.map(({ report }) => report.run.startedAt).sort()[0]!;
  const finished = ordered.map(({ report }) => report.run.finishedAt).sort().at(-1)!;
  const stderr = ordered
    .filter(({ report }) => report.coreStderr)
    .map(({ report }) => `--- shard ${report.run.shard!.index}/${count} ---\n${report.coreStderr}`)
    .join("\n");
  return {
    reportVersion: first.reportVersion,
    tool: first.tool,
    core: first.core,
    run: {
      paths: first.run.paths,
      profiles: first.run.profiles,
      startedAt: started,
      finishedAt: finished,
      // The shards ran side by side: the merged duration is the time they spent in all.
      durationMs: ordered.reduce((sum, { report }) => sum + report.run.durationMs, 0),
    },
    counts,
    ok: resultsOk(counts),
    results,
    ...(stderr ? { coreStderr: stderr } : {}),
  };
}
