/**
 * The whole suite on real Xen, gated: `hvabi run --core "xen-qemu --build B" --profile xen-4.17`
 * for the set-up's release and debug builds, against the committed baselines
 * (test/real-xen/baseline-<build>.json: each failure with the reason it is expected, from the
 * triage in docs/real-xen.md). A change that makes real Xen and the spec disagree anew, or that
 * makes a listed disagreement pass, fails here. So does one that quietly stops running cases on
 * real Xen: each area must run at least as many cases as test/real-xen/coverage.json records.
 *
 * Needs the set-up (`sudo npm run setup:xen`); without it the tests are skipped under names
 * that say so, and npm test ends with a banner.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../spec/types/generated";
import { missingSetUp, notRunBanner } from "./set-up";

const ROOT = resolve(__dirname, "..", "..");
const CLI = join(ROOT, "dist", "runner", "cli.js");
const BASELINES = join(ROOT, "test", "real-xen");

const missing = missingSetUp();
const notRun = missing.length > 0;
if (notRun) console.warn(notRunBanner(missing));

interface Coverage {
  description: string;
  /** Per build, per area: the fewest results that must run (pass or fail, not skip). */
  minimumRun: Record<string, Record<string, number>>;
}

/** Results that ran (pass or fail, not skipped), per area. */
function ranPerArea(report: Report): Record<string, number> {
  const ran: Record<string, number> = {};
  for (const result of report.results) {
    if (result.status === "skip" || result.area === null || result.area === undefined) continue;
    ran[result.area] = (ran[result.area] ?? 0) + 1;
  }
  return ran;
}

describe.each(["release", "debug"] as const)("the suite on real Xen 4.17, %s build, against its baseline", (build) => {
  it.skipIf(notRun)(
    notRun ? `NOT RUN (real Xen not set up: sudo npm run setup:xen): xen-4.17 on the ${build} build` : `xen-4.17 on the ${build} build: as the baseline expects, and no area runs fewer cases than recorded`,
    () => {
      const reportDir = join(ROOT, "out", "real-xen", build);
      rmSync(reportDir, { recursive: true, force: true });
      mkdirSync(reportDir, { recursive: true });
      const run = spawnSync(
        process.execPath,
        [
          CLI,
          "run",
          "--core",
          `xen-qemu --build ${build} --console-dir ${join(reportDir, "consoles")}`,
          "--profile",
          "xen-4.17",
          "--baseline",
          join(BASELINES, `baseline-${build}.json`),
          "--report-dir",
          reportDir,
          "--format",
          "markdown",
          "--quiet",
        ],
        { cwd: ROOT, encoding: "utf8", timeout: 1_200_000, maxBuffer: 64 * 1024 * 1024 },
      );
      const context = `hvabi run exited ${run.status}${run.signal ? ` (${run.signal})` : ""}; report and consoles in ${reportDir}\n${run.stdout}\n${run.stderr.slice(-8000)}`;
      expect(run.status, context).toBe(0);
      const report = JSON.parse(readFileSync(join(reportDir, "report.json"), "utf8")) as Report;
      const coverage = JSON.parse(readFileSync(join(BASELINES, "coverage.json"), "utf8")) as Coverage;
      const ran = ranPerArea(report);
      const floors = coverage.minimumRun[build] ?? {};
      const short = Object.entries(floors)
        .filter(([area, floor]) => (ran[area] ?? 0) < floor)
        .map(([area, floor]) => `${area}: ${ran[area] ?? 0} run, at least ${floor} recorded`);
      expect(short, `fewer cases ran on real Xen than test/real-xen/coverage.json records (if that is intended, lower it there and say why):\n${short.join("\n")}\n${context}`).toEqual([]);
    },
    1_260_000,
  );
});
