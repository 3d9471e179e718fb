/**
 * The corpus generator: every case it writes is a valid case (the case
 * schema and the loader's rules), marked generated, runs green on the
 * reference core, still meets its template's expectations (so its clauses and
 * polarity still hold), and the same seed gives the same corpus whatever the
 * number of threads.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import type { Case, Report } from "../../spec/types/generated";
import { createReferenceExecutor } from "../../core/reference";
import { expectationFor } from "../../runner/case-checks";
import { compareStep } from "../../runner/compare";
import { discoverCaseFiles } from "../../runner/discover";
import { loadCaseFile, type LoadedCase } from "../../runner/loader";
import { stripCase } from "../../runner/strip";
import { validator } from "../../spec/validation/validators";
import { ROOT, runCli, tempDir } from "../helpers";

const spec = loadSpec();
/** Every committed case once (variant 0, the template itself), then a few hundred variants. */
const COUNT = discoverCaseFiles([join(ROOT, "cases")]).files.length + 200;

function generate(args: string[]): string {
  const out = tempDir("hvabi-generated-");
  const run = runCli(["generate", "--count", String(COUNT), "--out", out, ...args]);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(new RegExp(`^wrote ${COUNT} cases to `));
  return out;
}

/** Every file under a folder, by path relative to it, with its text. */
function contents(dir: string): Map<string, string> {
  return new Map(discoverCaseFiles([dir]).files.map((file) => [relative(dir, file), readFileSync(file, "utf8")]));
}

function committed(): Map<string, LoadedCase> {
  const byId = new Map<string, LoadedCase>();
  for (const file of discoverCaseFiles([join(ROOT, "cases")]).files) {
    const loaded = loadCaseFile(file, spec);
    if (loaded.ok) byId.set(loaded.data.id, loaded);
  }
  return byId;
}

describe("hvabi generate", () => {
  const out = generate(["--seed", "7", "--workers", "0"]);
  const files = discoverCaseFiles([out]).files;
  const templates = committed();

  it("writes cases that validate against the case schema and pass the loader's checks, marked generated", () => {
    expect(files).toHaveLength(COUNT);
    const validate = validator("case");
    for (const file of files) {
      const data = JSON.parse(readFileSync(file, "utf8")) as Case;
      expect(validate(data), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const loaded = loadCaseFile(file, spec);
      expect(loaded.ok, file).toBe(true);
      expect(data.generated?.variant).toBeGreaterThanOrEqual(0);
      expect(templates.has(data.generated!.from), `${file} names its template`).toBe(true);
      expect(data.id).toBe(`${data.generated!.from}.g${data.generated!.variant}`);
    }
  });

  it("keeps its template's claims, and its template's expectations still hold of it", () => {
    const executor = createReferenceExecutor(spec);
    for (const file of files) {
      const variant = loadCaseFile(file, spec);
      if (!variant.ok) throw new Error(`${file} does not load`);
      const template = templates.get(variant.data.generated!.from)!;
      expect(variant.area).toBe(template.area);
      expect({ clauses: variant.data.clauses, polarity: variant.data.polarity, profiles: variant.data.profiles }).toEqual({
        clauses: template.data.clauses,
        polarity: template.data.polarity,
        profiles: template.data.profiles,
      });
      for (const profile of variant.data.profiles) {
        const outcome = executor.execute(stripCase(variant.data, variant.area, profile));
        if (outcome instanceof Promise || outcome.kind !== "observed") throw new Error(`${file} [${profile}]: ${outcome.kind}`);
        template.data.steps.forEach((step, index) => {
          expect(compareStep(expectationFor(step, profile)!, outcome.steps[index]!), `${file} [${profile}] step ${index}`).toEqual([]);
        });
      }
    }
  });

  it("varies the committed cases: of every area the reference core implements, and with values of their own", () => {
    const areas = new Set(files.map((file) => relative(out, file).split("/")[0]));
    expect([...areas].sort()).toEqual([...new Set([...templates.values()].map((t) => t.area))].sort());
    const inputs = (testCase: Case): string => JSON.stringify({ config: testCase.config, args: testCase.steps.map((s) => ("args" in s ? s.args : undefined)) });
    const variants = files.map((file) => JSON.parse(readFileSync(file, "utf8")) as Case).filter((data) => data.generated!.variant > 0);
    // Variant 0 of each template is the template itself; every other variant changes some value.
    expect(variants.length).toBe(COUNT - templates.size);
    for (const data of variants) expect(inputs(data), data.id).not.toBe(inputs(templates.get(data.generated!.from)!.data));
  });

  it("writes cases hvabi run passes on the reference core", () => {
    const report = tempDir();
    const run = runCli(["run", out, "--report-dir", report, "--quiet"]);
    expect(run.status, run.stdout).toBe(0);
    const { counts, results } = JSON.parse(readFileSync(join(report, "report.json"), "utf8")) as Report;
    // Skips are only variants of cases that do not run in an inherited profile (a cited clause does not hold there).
    expect(counts.pass + counts.skip).toBe(counts.total);
    expect(results.filter((r) => r.status === "skip").filter((r) => r.inheritedFrom === undefined || !/does not hold in/.test(r.reason ?? ""))).toEqual([]);
  });

  it("gives the same corpus for the same seed, whatever the number of threads, and another for another seed", () => {
    const again = contents(generate(["--seed", "7", "--workers", "1"]));
    expect(again).toEqual(contents(out));
    const other = contents(generate(["--seed", "8", "--workers", "0"]));
    expect(other).not.toEqual(contents(out));
  });

  it("refuses to write among the committed cases", () => {
    const run = runCli(["generate", "--count", "5", "--out", join(ROOT, "cases", "generated")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/is inside the template folder .*cases: generated cases are never mixed with committed ones/);
    expect(readdirSync(join(ROOT, "cases"))).not.toContain("generated");
  });
});

describe("the committed corpus", () => {
  it("holds no generated case", () => {
    const generated = discoverCaseFiles([join(ROOT, "cases")]).files.filter((file) => "generated" in (JSON.parse(readFileSync(file, "utf8")) as object));
    expect(generated).toEqual([]);
  });
});
