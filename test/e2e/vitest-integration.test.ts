/**
 * hvabi/vitest as a user meets it: a separate project whose vitest run calls
 * conformanceSuite(), resolving hvabi and vitest from node_modules.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers";

function userProject(testFile: string, cases?: Record<string, object>): string {
  const dir = tempDir("hvabi-vitest-user-");
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "hvabi"), "dir");
  symlinkSync(join(ROOT, "node_modules", "vitest"), join(dir, "node_modules", "vitest"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }));
  writeFileSync(join(dir, "vitest.config.mjs"), 'export default { test: { include: ["conformance.test.mjs"] } };\n');
  writeFileSync(join(dir, "conformance.test.mjs"), testFile);
  for (const [path, content] of Object.entries(cases ?? {})) {
    mkdirSync(join(dir, "cases", path.split("/")[0]!), { recursive: true });
    writeFileSync(join(dir, "cases", path), JSON.stringify(content));
  }
  return dir;
}

function runVitest(dir: string) {
  const result = spawnSync(process.execPath, [join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--root", dir, "--reporter", "verbose"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", CI: "" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe("hvabi/vitest in a user's project", () => {
  it("runs the bundled cases against the reference core, green, one test per case and profile", () => {
    const dir = userProject('import { conformanceSuite } from "hvabi/vitest";\nconformanceSuite();\n');
    const { status, output } = runVitest(dir);
    expect(output).toMatch(/Tests +\d+ passed/);
    expect(output).toMatch(/✓ .*hvabi conformance > gnttab\.set-version\.switch-to-v2 \[xen-4\.22\]/);
    expect(status).toBe(0);
  }, 120_000);

  it("runs a case in the profiles it inherits, and skips one whose clause does not hold there, even when strict", () => {
    const physinfo = {
      id: "gnttab.user.inherited", title: "physinfo offers v2 by default", clauses: ["GNTTAB-PHYSINFO-CAPS"], polarity: "accept",
      profiles: ["xen-4.22"], config: {}, steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": true } } }],
    };
    const fred = {
      id: "smap.user.fred", title: "Xen uses FRED on an AMD CPU with it", clauses: ["SMAP-CET-FRED-USE"], polarity: "accept",
      profiles: ["xen-4.22"], config: { cpu: { vendor: "amd", features: { fred: true } } }, steps: [{ op: "boot", expect: { result: "ok", state: { "xen.fred": true } } }],
    };
    const dir = userProject(
      'import { conformanceSuite } from "hvabi/vitest";\nconformanceSuite({ paths: ["cases"], name: "mine", strict: true });\n',
      { "gnttab/inherited.json": physinfo, "smap/fred.json": fred },
    );
    const { status, output } = runVitest(dir);
    expect(output).toMatch(/✓ .*mine > gnttab\.user\.inherited \[xen-4\.22\]/);
    expect(output).toMatch(/✓ .*mine > gnttab\.user\.inherited \[xen-4\.17\]/);
    expect(output).toMatch(/✓ .*mine > smap\.user\.fred \[xen-4\.22\]/);
    expect(output).toMatch(/↓ .*mine > smap\.user\.fred \[xen-4\.17\]/);
    expect(output).toMatch(/Tests +3 passed \| 1 skipped/);
    expect(status).toBe(0);
  }, 120_000);

  it("fails with expected versus observed per step when a case disagrees with the core", () => {
    const wrong = {
      id: "gnttab.user.wrong", title: "a deliberately wrong expectation", clauses: ["GNTTAB-PHYSINFO-CAPS"], polarity: "refuse",
      profiles: ["xen-4.22"], config: {}, steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": false } } }],
    };
    const dir = userProject(
      'import { conformanceSuite } from "hvabi/vitest";\nconformanceSuite({ paths: ["cases"], name: "mine" });\n',
      { "gnttab/wrong.json": wrong },
    );
    const { status, output } = runVitest(dir);
    expect(status).toBe(1);
    expect(output).toContain("mine > gnttab.user.wrong [xen-4.22]");
    expect(output).toContain('step 0 (physinfo): returns.cap.gnttab_v2 expected false, observed true');
  }, 120_000);
});
