/** perf.json: validated against spec/perf.schema.json when written and when read. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "../lib/atomic-file";
import type { PerfReport } from "../spec/types/generated";
import { validator } from "../spec/validation/validators";

export const PERF_FILE = "perf.json";

export function perfProblems(data: unknown): string[] {
  const validate = validator("perf");
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? e.keyword}`);
}

/** Whether parsed JSON claims to be a performance report rather than a conformance report. */
export const looksLikePerf = (data: unknown): boolean => typeof data === "object" && data !== null && "perfVersion" in data;

export function writePerfReport(dir: string, perf: PerfReport): string {
  const problems = perfProblems(perf);
  if (problems.length > 0) throw new Error(`internal error: the performance report does not match spec/perf.schema.json: ${problems.slice(0, 5).join("; ")}`);
  const target = join(dir, PERF_FILE);
  writeFileAtomically(target, `${JSON.stringify(perf, null, 1)}\n`);
  return target;
}

export function readPerfReport(path: string): PerfReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
  }
  const problems = perfProblems(data);
  if (problems.length > 0) throw new Error(`${path}: not a valid hvabi performance report: ${problems.slice(0, 5).join("; ")}`);
  return data as PerfReport;
}
