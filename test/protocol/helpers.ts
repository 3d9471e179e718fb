/** Running cores against the fixture cases, in the test process or through the CLI, and reading what they report. */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Report } from "../../spec/types/generated";
import type { ProtocolLimits } from "../../core/protocol/settings";
import { loadSpec } from "../../spec";
import { reportProblems } from "../../reports/json";
import { resolveCore } from "../../runner/resolve-core";
import { runAndClose } from "../../runner/run-core";
import { CLI, ROOT, tempDir, type CliRun } from "../helpers";

export const FIXTURE_CASES = join("test", "fixtures", "protocol", "cases");
/**
 * The profiles the test doubles and fixture cores implement, which runs of the
 * fixture cases select: the cases apply to xen-4.17 too (based on xen-4.22),
 * where every such core would only skip them.
 */
export const PROFILES = ["xen-4.22", "seed-proposals"];
const selectProfiles = (profiles: readonly string[]): string[] => profiles.flatMap((profile) => ["--profile", profile]);

/** Every (id, profile) the fixture corpus yields. */
export function fixtureResults(profiles: readonly string[] = PROFILES): string[] {
  const dir = join(ROOT, FIXTURE_CASES, "gnttab");
  return readdirSync(dir)
    .sort()
    .flatMap((file) => {
      const data = JSON.parse(readFileSync(join(dir, file), "utf8")) as { id: string; profiles: string[] };
      return data.profiles.filter((p) => profiles.includes(p)).map((p) => `${data.id} [${p}]`);
    });
}

/** `--core` for a test double of test/doubles. */
export const double = (name: string, ...args: string[]): string => `exec:node ${join("test", "doubles", `${name}.js`)}${args.map((a) => ` ${a}`).join("")}`;

export interface InProcessRun {
  limits?: Partial<ProtocolLimits>;
  profiles?: string[];
  paths?: string[];
  detail?: "failures" | "all";
}

/** What `hvabi run` does, in the test process: resolve the core, run, close, keep its stderr. */
export async function runInProcess(core: string, options: InProcessRun = {}): Promise<Report> {
  const started = await resolveCore(core, { ...(options.limits ? { limits: options.limits } : {}) });
  return runAndClose(started, loadSpec(), {
    paths: options.paths ?? [FIXTURE_CASES],
    profiles: options.profiles ?? PROFILES,
    ...(options.detail ? { detail: options.detail } : {}),
  });
}

/** Runs the built CLI as a subprocess (never through a shell), without blocking the test process. */
export function runCliAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export interface CliCoreRun extends CliRun {
  report: Report | undefined;
}

/** `hvabi run --core <core>` through the CLI, with the report it wrote (if any); on the fixture cases, in {@link PROFILES} unless `options` select profiles. */
export async function runCliAgainst(core: string, options: string[] = [], paths: string[] = [FIXTURE_CASES]): Promise<CliCoreRun> {
  const dir = tempDir("hvabi-protocol-");
  const profiles = paths.length === 1 && paths[0] === FIXTURE_CASES && !options.includes("--profile") ? selectProfiles(PROFILES) : [];
  const run = await runCliAsync(["run", "--core", core, "--report-dir", dir, "--quiet", ...profiles, ...options, ...paths]);
  const file = join(dir, "report.json");
  return { ...run, report: existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Report) : undefined };
}

/** The report is valid against spec/report.schema.json and has exactly one result per fixture case and profile. */
export function expectCompleteReport(report: Report | undefined, profiles: readonly string[] = PROFILES): Report {
  expect(report, "a report").toBeDefined();
  expect(reportProblems(report)).toEqual([]);
  // Skips are reported as soon as they are known, the rest when their batch returns: compare as sets.
  expect(report!.results.map((r) => `${r.id} [${r.profile}]`).sort()).toEqual(fixtureResults(profiles).sort());
  expect(report!.counts.total).toBe(report!.results.length);
  return report!;
}

/** Statuses in report order (the fixture order when nothing is skipped). */
export const statuses = (report: Report): string[] => report.results.map((r) => r.status);
