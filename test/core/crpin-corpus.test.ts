/**
 * The crpin corpus against the reference core: every case passes in every
 * profile it names, and every crpin clause has an accepting and a refusing case.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import { inProcessCore } from "../../core/adapters/in-process";
import { createReferenceExecutor } from "../../core/reference";
import { computeCoverage, isCovered } from "../../runner/coverage";
import { runSuite } from "../../runner/run";
import { ROOT } from "../helpers";

const CASES = join(ROOT, "cases", "crpin");
const CRPIN_PROFILES = ["crpin-rfc-v1", "crpin-rfc-v2", "crpin-v3", "seed-proposals"];

describe("crpin corpus", () => {
  it("passes on the reference core in every crpin profile", async () => {
    const spec = loadSpec();
    const report = await runSuite(inProcessCore(createReferenceExecutor(spec)), spec, { paths: [CASES] });
    const problems = report.results.filter((r) => r.status !== "pass").map((r) => `${r.id} [${r.profile}] ${r.status}: ${r.reason}`);
    expect(problems).toEqual([]);
    const profiles = new Set(report.results.map((r) => r.profile));
    for (const profile of CRPIN_PROFILES) expect(profiles, profile).toContain(profile);
  });

  it("covers every crpin clause from both sides with at least 150 cases", () => {
    const coverage = computeCoverage(loadSpec(), [CASES], ["crpin"]);
    expect(coverage.errors).toEqual([]);
    expect(coverage.cases).toBeGreaterThanOrEqual(150);
    expect(coverage.clauses.filter((clause) => !isCovered(clause)).map((clause) => clause.id)).toEqual([]);
  });

  it("names, in every clause, the revisions it holds in and a fact or the seed", () => {
    for (const clause of loadSpec().clausesByArea.get("crpin") ?? []) {
      expect(clause.profiles.length, clause.id).toBeGreaterThan(0);
      const cited = clause.sources.some((source) =>
        typeof source === "string" ? /^(cr-pinning-and-x86-facts [0-9]+|seed 003_)/.test(source) : "seed" in source,
      );
      expect(cited, `${clause.id} cites a fact or the seed`).toBe(true);
    }
  });
});
