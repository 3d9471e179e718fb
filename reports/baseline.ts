/**
 * Baselines for CI gating (spec/baseline.schema.json): the results a gate
 * expects not to pass, keyed by stable case id and profile. A run is judged
 * only on unexpected results: a failure with no entry, an entry whose case
 * now passes (a fixed bug must be taken out of the baseline), or an entry
 * whose case ends in another way than it says.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { writeFileAtomically } from "../lib/atomic-file";
import type { Baseline, BaselineEntry, BaselineStatus, CaseResult, Report, Status } from "../spec/types/generated";
import { specDir } from "../spec/paths";
import { validator } from "../spec/validation/validators";

export class BaselineError extends Error {}

export interface ExpectedResult {
  entry: BaselineEntry;
  result: CaseResult;
}

export interface UnexpectedResult {
  kind: "new-failure" | "unexpected-pass" | "changed";
  result: CaseResult;
  /** The baseline entry the result contradicts (absent for a new failure). */
  entry?: BaselineEntry;
}

export interface UnjudgedEntry {
  entry: BaselineEntry;
  /** Why the entry could not be checked against this report. */
  why: string;
}

export interface GateVerdict {
  expected: ExpectedResult[];
  unexpected: UnexpectedResult[];
  /** Entries for cases that no longer exist (or no longer apply to the entry's profile). */
  stale: UnjudgedEntry[];
  /** Entries this report cannot judge: their case was skipped, its profile was not selected, or it ran in another shard. */
  unjudged: UnjudgedEntry[];
  /** Expected results whose case was edited since the entry was recorded (its content hash changed): re-check the reason. */
  revised: ExpectedResult[];
  ok: boolean;
}

const NOT_JUDGED: ReadonlySet<Status> = new Set<Status>(["pass", "skip"]);

/** Results that are neither a pass nor a skip: the ones a baseline may list. */
export const needsEntry = (result: CaseResult): result is CaseResult & { status: BaselineStatus } => !NOT_JUDGED.has(result.status);

export const resultKey = (id: string, profile: string | null): string => JSON.stringify([id, profile]);

export function describeResult(result: Pick<CaseResult, "id" | "file" | "profile">): string {
  const name = result.id ?? result.file;
  return result.profile === null ? name : `${name} [${result.profile}]`;
}

export const describeEntry = (entry: Pick<BaselineEntry, "id" | "profile">): string => (entry.profile === null ? entry.id : `${entry.id} [${entry.profile}]`);

export function readBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new BaselineError(`cannot read the baseline ${path}: ${error instanceof Error ? error.message : String(error)} (create it with --update-baseline)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const validate = validator("baseline");
  if (!validate(data)) {
    const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
    throw new BaselineError(`${path} does not match spec/baseline.schema.json: ${problems.join("; ")}`);
  }
  const baseline = data as Baseline;
  const seen = new Set<string>();
  for (const [index, entry] of baseline.entries.entries()) {
    const key = resultKey(entry.id, entry.profile);
    if (seen.has(key)) throw new BaselineError(`${path}: /entries/${index} repeats ${describeEntry(entry)}; keep one entry per case and profile`);
    seen.add(key);
  }
  return baseline;
}

/** Whether the report ran the entry's profile at all (--profile selects some). */
const profileSelected = (report: Report, profile: string | null): boolean =>
  profile === null || report.run.profiles === null || report.run.profiles.includes(profile);

export function judgeAgainstBaseline(report: Report, baseline: Baseline): GateVerdict {
  const entries = new Map(baseline.entries.map((entry) => [resultKey(entry.id, entry.profile), entry]));
  const reportedIds = new Set(report.results.flatMap((result) => (result.id === null ? [] : [result.id])));
  const matched = new Set<string>();
  const verdict: GateVerdict = { expected: [], unexpected: [], stale: [], unjudged: [], revised: [], ok: true };

  for (const result of report.results) {
    const key = result.id === null ? undefined : resultKey(result.id, result.profile);
    const entry = key === undefined ? undefined : entries.get(key);
    if (key !== undefined && entry !== undefined) matched.add(key);
    if (entry === undefined) {
      if (needsEntry(result)) verdict.unexpected.push({ kind: "new-failure", result });
    } else if (result.status === entry.status) {
      verdict.expected.push({ entry, result });
      if (entry.hash !== undefined && result.hash !== undefined && entry.hash !== result.hash) verdict.revised.push({ entry, result });
    } else if (result.status === "pass") {
      verdict.unexpected.push({ kind: "unexpected-pass", result, entry });
    } else if (result.status === "skip") {
      verdict.unjudged.push({ entry, why: `the case was skipped: ${result.reason ?? "no reason given"}` });
    } else {
      verdict.unexpected.push({ kind: "changed", result, entry });
    }
  }

  const sharded = report.run.shard !== undefined;
  for (const [key, entry] of entries) {
    if (matched.has(key)) continue;
    if (!reportedIds.has(entry.id)) {
      if (sharded) verdict.unjudged.push({ entry, why: "not in this shard (stale entries are found on the merged report)" });
      else verdict.stale.push({ entry, why: "no case with this id in this run" });
    } else if (entry.profile === null) {
      // The case no longer fails to load: the error the entry expects is gone.
      const stand = report.results.find((result) => result.id === entry.id)!;
      verdict.unexpected.push({ kind: "unexpected-pass", result: stand, entry });
    } else if (!profileSelected(report, entry.profile)) {
      verdict.unjudged.push({ entry, why: `profile ${entry.profile} was not selected (--profile)` });
    } else {
      verdict.stale.push({ entry, why: `the case no longer applies to profile ${entry.profile}` });
    }
  }
  verdict.ok = verdict.unexpected.length === 0;
  return verdict;
}

export interface BaselineUpdate {
  baseline: Baseline;
  added: BaselineEntry[];
  removed: BaselineEntry[];
  /** Entries kept with a new status. */
  changed: BaselineEntry[];
}

const MAX_REASON = 200;

function recordedReason(result: CaseResult): string {
  const first = (result.reason ?? result.status).split("\n")[0]!;
  const text = `recorded by --update-baseline: ${first}`;
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

const compareEntries = (a: BaselineEntry, b: BaselineEntry): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : (a.profile ?? "") < (b.profile ?? "") ? -1 : (a.profile ?? "") > (b.profile ?? "") ? 1 : 0;

/**
 * The baseline that makes this report as expected: one entry per result that
 * is neither a pass nor a skip, keeping the reason and issue of entries that
 * already existed. Entries for profiles the run did not select are kept.
 */
export function updateBaseline(report: Report, previous: Baseline | undefined): BaselineUpdate {
  if (report.run.shard !== undefined) {
    throw new BaselineError("a shard cannot update the baseline (it sees only part of the cases): merge the shards, then `hvabi report merged.json --baseline FILE --update-baseline`");
  }
  const old = new Map((previous?.entries ?? []).map((entry) => [resultKey(entry.id, entry.profile), entry]));
  const next = new Map<string, BaselineEntry>();
  const added: BaselineEntry[] = [];
  const changed: BaselineEntry[] = [];
  const unbaselinable = report.results.filter((result) => needsEntry(result) && result.id === null);
  if (unbaselinable.length > 0) {
    throw new BaselineError(
      `${unbaselinable.map((r) => r.file).join(", ")}: ${unbaselinable.length > 1 ? "these files have" : "this file has"} no readable case id, so no baseline can expect ${unbaselinable.length > 1 ? "them" : "it"}; fix ${unbaselinable.length > 1 ? "them" : "it"} first`,
    );
  }
  for (const result of report.results) {
    if (!needsEntry(result) || result.id === null) continue;
    const key = resultKey(result.id, result.profile);
    if (next.has(key)) continue;
    const before = old.get(key);
    const hash = result.hash === undefined ? {} : { hash: result.hash };
    const entry: BaselineEntry = before === undefined
      ? { id: result.id, profile: result.profile, status: result.status, reason: recordedReason(result), ...hash }
      : { ...before, status: result.status, ...hash };
    if (before === undefined) added.push(entry);
    else if (before.status !== result.status) changed.push(entry);
    next.set(key, entry);
  }
  const removed: BaselineEntry[] = [];
  for (const [key, entry] of old) {
    if (next.has(key)) continue;
    if (!profileSelected(report, entry.profile)) next.set(key, entry);
    else removed.push(entry);
  }
  return { baseline: { baselineVersion: 1, entries: [...next.values()].sort(compareEntries) }, added, removed, changed };
}

/** Writes the baseline atomically, pointing its `$schema` at hvabi's schema so editors check it. */
export function writeBaseline(path: string, baseline: Baseline): void {
  let schemaRef = relative(dirname(path) || ".", join(specDir(), "baseline.schema.json")).split(sep).join("/");
  if (existsSync(path)) {
    try {
      const current = JSON.parse(readFileSync(path, "utf8")) as { $schema?: unknown };
      if (typeof current.$schema === "string") schemaRef = current.$schema;
    } catch {
      // An unreadable old file is replaced whole.
    }
  }
  writeFileAtomically(path, `${JSON.stringify({ $schema: schemaRef, ...baseline }, null, 2)}\n`);
}
