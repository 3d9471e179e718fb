/**
 * Splits a run into shards. The unit is a case file (all its profiles run in
 * the same shard), so every shard can be merged back by file. The split is a
 * pure function of the file names, the shard count and the recorded
 * durations: every shard of a CI matrix computes the same plan on its own.
 */
import { createHash } from "node:crypto";
import type { Report } from "../spec/types/generated";

export interface ShardSelector {
  /** 1-based. */
  index: number;
  count: number;
}

export type ShardBalance = "durations" | "count";

export interface ShardPlan {
  /** File → the 1-based shard that runs it. */
  assignment: ReadonlyMap<string, number>;
  /** How the files were weighed: recorded durations when any file had one, else one unit per file. */
  balance: ShardBalance;
  /** A digest of the whole assignment: shards of one run carry the same plan, which `hvabi merge` checks. */
  plan: string;
}

/** Parses `k/n`, or says why it cannot. */
export function parseShard(text: string): ShardSelector | string {
  const match = /^([0-9]+)\/([0-9]+)$/.exec(text.trim());
  if (match === null) return `--shard takes k/n (e.g. 2/3), not "${text}"`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) return `--shard ${text}: k must be between 1 and n, and n at least 1`;
  return { index, count };
}

/** Recorded time per case file in a previous report (the sum over its results). */
export function durationsByFile(report: Report): Map<string, number> {
  const durations = new Map<string, number>();
  for (const result of report.results) durations.set(result.file, (durations.get(result.file) ?? 0) + result.durationMs);
  return durations;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Longest-processing-time-first: heaviest file to the least loaded shard,
 * ties broken by name and by the lowest shard index so the plan never depends
 * on input order. A file without a recorded duration weighs the mean of those
 * with one; without any, every file weighs one and the split is round-robin.
 */
export function planShards(files: readonly string[], count: number, durations?: ReadonlyMap<string, number>): ShardPlan {
  const unique = [...new Set(files)].sort(byName);
  const known = unique.map((file) => durations?.get(file)).filter((d): d is number => d !== undefined && Number.isFinite(d) && d >= 0);
  const balance: ShardBalance = known.length > 0 ? "durations" : "count";
  const fallback = known.length > 0 ? known.reduce((sum, d) => sum + d, 0) / known.length : 1;
  const weight = (file: string): number => {
    if (balance === "count") return 1;
    const recorded = durations?.get(file);
    return recorded !== undefined && Number.isFinite(recorded) && recorded >= 0 ? recorded : fallback;
  };
  const weighed = unique.map((file) => ({ file, weight: weight(file) }));
  weighed.sort((a, b) => b.weight - a.weight || byName(a.file, b.file));

  const loads = new Array<number>(count).fill(0);
  const assignment = new Map<string, number>();
  for (const { file, weight: w } of weighed) {
    let lightest = 0;
    for (let shard = 1; shard < count; shard++) if (loads[shard]! < loads[lightest]!) lightest = shard;
    loads[lightest]! += w;
    assignment.set(file, lightest + 1);
  }
  const digest = createHash("sha256");
  digest.update(`${count}\n`);
  for (const file of unique) digest.update(`${file}\t${assignment.get(file)}\n`);
  return { assignment, balance, plan: digest.digest("hex").slice(0, 16) };
}
