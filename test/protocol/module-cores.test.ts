/**
 * Module cores: JavaScript (CommonJS and ESM) and TypeScript files, loaded
 * into the runner's process, TypeScript without a build step.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers";
import { expectCompleteReport, runCliAgainst, statuses } from "./helpers";

const fixture = (name: string): string => `./test/fixtures/protocol/cores/${name}`;

describe.concurrent("a core named by a module path", () => {
  it("runs a CommonJS CaseExecutor", async () => {
    const run = await runCliAgainst(fixture("ok-executor.js"));
    const report = expectCompleteReport(run.report);
    expect(report.core.name).toBe("fixture-ok-executor");
    // The fixture declares no boot, create_domain…: every fixture case uses only its three operations.
    expect(new Set(statuses(report))).toEqual(new Set(["pass"]));
    expect(run.status).toBe(0);
  });

  it("runs an ESM factory returning a batch Core", async () => {
    const report = expectCompleteReport((await runCliAgainst(fixture("ok-core-factory.mjs"))).report);
    expect(report.core.name).toBe("fixture-ok-core");
    for (const result of report.results) {
      if (result.profile === "xen-4.22") expect(result.status).toBe("pass");
      else expect(result).toMatchObject({ status: "skip", reason: "core fixture-ok-core does not implement profile seed-proposals" });
    }
  });

  it("runs a TypeScript core from its source, exported as `core`, with its per-case skips", async () => {
    const report = expectCompleteReport((await runCliAgainst(fixture("ok-named-core.ts"))).report);
    expect(report.core.name).toBe("fixture-ts-core");
    for (const result of report.results) {
      if (result.profile === "xen-4.22") expect(result.status).toBe("pass");
      else expect(result).toMatchObject({ status: "skip", reason: "this fixture answers only xen-4.22" });
    }
  });

  it("runs a TypeScript core that lives in an ESM package, outside the working directory", async () => {
    const dir = writeTree({
      "package.json": { type: "module" },
      "core.ts": [
        'import { answer } from "./answer";',
        'const description = { name: "esm-package-core", version: "1", profiles: ["xen-4.22"], areas: ["gnttab"], operations: ["physinfo", "gnttab_set_version", "gnttab_get_version"] };',
        "export default { description, execute: answer };",
      ].join("\n"),
      "answer.ts": 'export const answer = (input: { steps: unknown[] }) => ({ kind: "observed" as const, steps: input.steps.map(() => ({ result: "ok" as const })) });\n',
    });
    const report = expectCompleteReport((await runCliAgainst(join(dir, "core.ts"), ["--profile", "xen-4.22"])).report, ["xen-4.22"]);
    expect(report.core.name).toBe("esm-package-core");
    expect(new Set(statuses(report))).toEqual(new Set(["pass"]));
  });

  it("turns an exception in one case into core-error for that case alone", async () => {
    const report = expectCompleteReport((await runCliAgainst(fixture("throws.js"), ["--profile", "xen-4.22"])).report, ["xen-4.22"]);
    expect(statuses(report)).toEqual(["pass", "core-error", "pass", "pass", "pass"]);
    expect(report.results[1]!.reason).toContain("the core threw: Error: simulated bug in physinfo");
  });

  it.each([
    ["no-execute.js", /no-execute\.js: the export has a description but neither execute\(input\) nor run\(cases\) and close\(\)/],
    ["bad-description.mjs", /bad-description\.mjs: the core's description is not valid .*missing required property "operations"/],
    ["missing.ts", /missing\.ts: no such file/],
  ])("refuses %s with a reason, exit code 3", async (name, message) => {
    const run = await runCliAgainst(fixture(name));
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(message);
  });

  it("refuses a TypeScript file that does not parse, quoting the compiler", async () => {
    const dir = writeTree({ "broken.ts": "export const core = {\n" });
    const run = await runCliAgainst(join(dir, "broken.ts"));
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/broken\.ts: loading the module failed: [\s\S]*TS1005/);
  });

  it("runs the example TypeScript core on the bundled corpus: what it implements passes, the rest is skipped with a reason", async () => {
    const run = await runCliAgainst("./examples/version-core.ts", [], []);
    expect(run.report).toBeDefined();
    const { counts, results } = run.report!;
    expect(counts.total).toBe(results.length);
    expect(counts.pass).toBeGreaterThan(10);
    expect(counts.pass + counts.skip).toBe(counts.total);
    // A skip the runner decides (a clause that does not hold in an inherited profile) comes before the core is asked.
    for (const result of results.filter((r) => r.status === "skip")) expect(result.reason).toMatch(/does not implement|example core|does not hold in/);
    expect(run.status).toBe(0);
  });

  it("serves a module core over the protocol", async () => {
    const run = await runCliAgainst(`exec:node dist/runner/cli.js serve --core ${fixture("ok-named-core.ts")}`);
    const report = expectCompleteReport(run.report);
    expect(report.core.name).toBe("fixture-ts-core");
    expect(report.results.filter((r) => r.status === "skip").map((r) => r.reason)).toEqual(Array(5).fill("this fixture answers only xen-4.22"));
  });
});
