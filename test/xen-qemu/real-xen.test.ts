/**
 * The real-Xen core on real Xen (Xen 4.17 under QEMU): the tests that need the set-up
 * (`sudo npm run setup:xen`). Without it they do not run, and say so loudly, in the test names
 * and on the console: a real-Xen test that did not run must never look like one that passed.
 *
 * What is shown here, on the release build (the debug build's whole suite runs in .ci/run):
 * - a case that crashes dom0 on purpose costs its batch one reboot: the cases before and after
 *   it get results, and the crashing case is reported as a crash with the console's tail;
 * - the CLI runs case files of every area against real Xen, PV domUs included, and they pass.
 * Time limits are generous: a boot waits for one of the machine's two QEMU slots, which the
 * whole-suite runs (real-xen-suite.test.ts) may hold for minutes.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseInput } from "../../core/interface";
import { XenQemuCore } from "../../core/xen-qemu/core";
import { realise } from "../../core/xen-qemu/hosts";
import { imagesFor } from "../../core/xen-qemu/index";
import { TEST_CRASH_DOM0 } from "../../core/xen-qemu/translate";
import { loadSpec } from "../../spec";
import { caseInput } from "../mutation/case-input";
import { findXenImages } from "../../core/xen-qemu/xen-images";
import { missingSetUp, notRunBanner } from "./set-up";

const ROOT = resolve(__dirname, "..", "..");
const KERNEL_DIR = join(ROOT, "core", "xen-qemu", "kernel");
const CLI = join(ROOT, "dist", "runner", "cli.js");

const missing = missingSetUp();
const notRun = missing.length > 0;
if (notRun) {
  // Loud on purpose, in the log and in every test's name.
  console.warn(notRunBanner(missing));
}
const title = (what: string): string => (notRun ? `NOT RUN (real Xen not set up: sudo npm run setup:xen): ${what}` : what);

describe("real Xen 4.17 under QEMU (release build)", () => {
  let work = "";
  beforeAll(() => {
    if (notRun) return;
    work = mkdtempSync(join(tmpdir(), "hvabi-real-xen-test-"));
    // make is idempotent: a built kernel costs nothing.
    execFileSync("make", ["-s", "-C", KERNEL_DIR], { stdio: "pipe" });
  });
  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it.skipIf(notRun)(
    title("a case that crashes dom0 costs one reboot: the other cases of its batch still get results"),
    async () => {
      const spec = loadSpec();
      const xen = await XenQemuCore.start({ images: imagesFor({ images: [], build: "release" }), spec });
      try {
        // Configurations exactly the first host's, so that no reference-model check stands between the case and Xen.
        const host = xen.hosts[0]!;
        const onHost = (id: string, config: object, steps: object[]): CaseInput => {
          const input = caseInput(id, "gnttab", "xen-4.22", config, steps);
          return { ...input, config: realise(input.config, host).config as CaseInput["config"] };
        };
        const version = (dom: number, n: number): CaseInput =>
          onHost(`v${n}`, {}, [{ op: "gnttab_set_version", args: { dom, version: n }, expect: { result: "ok" } }]);
        const crash = { ...onHost("crash", {}, [{ op: "boot", expect: { result: "ok" } }]), steps: [{ op: TEST_CRASH_DOM0 }] } as unknown as CaseInput;
        const probeBoots = (xen.stderr().match(/\[xen-qemu\] boot \d+:/g) ?? []).length;

        const outcomes = await xen.run([
          version(0, 1),
          crash,
          version(0, 2),
          onHost("domu", { domains: [{ domid: 1 }] }, [{ op: "gnttab_set_version", args: { dom: 1, version: 2 }, expect: { result: "ok" } }]),
        ]);

        const log = xen.stderr();
        expect(outcomes.map((o) => o.kind), `${JSON.stringify(outcomes)}\n${log}`).toEqual(["observed", "crashed", "observed", "observed"]);
        // Xen's answers, read back: the version each domain now has.
        expect(outcomes[0], log).toEqual({ kind: "observed", steps: [{ result: "ok", returns: { version: 1 } }] });
        expect(outcomes[2], log).toEqual({ kind: "observed", steps: [{ result: "ok", returns: { version: 2 } }] });
        expect(outcomes[3], log).toEqual({ kind: "observed", steps: [{ result: "ok", returns: { version: 2 } }] });
        // The crash names its cause and carries Xen's own words from the console.
        expect(outcomes[1], log).toMatchObject({ kind: "crashed", message: expect.stringMatching(/crash requested by the case/) });
        expect((outcomes[1] as { stderr?: string }).stderr ?? "", log).toMatch(/\(XEN\).*Dom0 crashed|domain 0.*crash/i);
        // One boot lost to the crash, one to finish the batch: two boots after the probe boots.
        const runBoots = (log.match(/\[xen-qemu\] boot \d+:/g) ?? []).length - probeBoots;
        expect(runBoots, log).toBe(2);
      } finally {
        await xen.close();
      }
    },
    900_000,
  );

  it.skipIf(notRun)(
    title("hvabi run --core xen-qemu: case files of each area pass on real Xen, a two-domain one included"),
    () => {
      const files = [
        "cases/cr4/pv-cr0.read.json",
        "cases/pte/canonical.pv64.json",
        "cases/ptshare/baseptr.foreign.json",
        "cases/smap/ac-delivery.pv64-cleared.json",
        "cases/gnttab/copy.v2-full-page-grant.json",
      ];
      const reportDir = join(work, "report");
      const run = spawnSync(
        process.execPath,
        [CLI, "run", "--core", "xen-qemu --build release", "--profile", "xen-4.22", "--report-dir", reportDir, ...files.map((f) => join(ROOT, f))],
        { cwd: ROOT, encoding: "utf8", timeout: 880_000 },
      );
      const context = `${run.stdout}\n${run.stderr}`;
      expect(run.status, context).toBe(0);
      const report = JSON.parse(readFileSync(join(reportDir, "report.json"), "utf8")) as {
        core: { name: string; version: string };
        results: Array<{ id: string; status: string }>;
      };
      expect(report.results.map((r) => [r.id, r.status]).sort(), context).toEqual(
        ["cr4.pv-cr0.read", "pte.canonical.pv64", "ptshare.baseptr.foreign", "smap.ac-delivery.pv64-cleared", "gnttab.copy.v2-full-page-grant"].map((id) => [id, "pass"]).sort(),
      );
      // The core describes itself by the version the hypervisor printed, not by a name we chose.
      expect(report.core.version, context).toMatch(/4\.17/);
    },
    900_000,
  );

  it.skipIf(notRun)(
    title("a Xen image given by path runs the same way, under the label it is given, its build read from its configuration"),
    () => {
      const release = findXenImages()?.release;
      if (release === undefined) throw new Error("the release image vanished");
      const reportDir = join(work, "own-image");
      const run = spawnSync(
        process.execPath,
        [CLI, "run", "--core", `xen-qemu --xen ${release.path} --label mine`, "--profile", "xen-4.17", "--report-dir", reportDir, join(ROOT, "cases/gnttab/copy.v2-full-page-grant.json")],
        { cwd: ROOT, encoding: "utf8", timeout: 880_000 },
      );
      const context = `${run.stdout}\n${run.stderr}`;
      expect(run.status, context).toBe(0);
      const report = JSON.parse(readFileSync(join(reportDir, "report.json"), "utf8")) as { core: { version: string }; results: Array<{ status: string }> };
      expect(report.core.version, context).toMatch(/^Xen 4\.17\.\d+ .*\(mine: release build\)/);
      expect(report.results.map((r) => r.status)).toEqual(["pass"]);
    },
    900_000,
  );
});
