/**
 * hvabi/vitest: the conformance suite as vitest tests, against any core.
 *
 *   import { conformanceSuite } from "hvabi/vitest";
 *   conformanceSuite({ core: "./my-core.ts" });
 *
 * One test per case and profile (inherited profiles included, runner/applicability.ts),
 * named by the case id; a failure lists, per
 * step, what was expected and what was observed. Vitest is ESM-only, so this
 * entry point is an ES module over hvabi's CommonJS modules.
 */
import { afterAll, beforeAll, describe, test } from "vitest";
import type { CaseExecutor, Core } from "../core/interface.js";
import { inProcessCore } from "../core/adapters/in-process.js";
import { loadSpec } from "../spec/index.js";
import { defaultCasesDir } from "../spec/paths.js";
import { formatProblem } from "../spec/validation/schema-errors.js";
import type { ProfileRun } from "./applicability.js";
import { expectationFor } from "./case-checks.js";
import { compareStep, type Mismatch } from "./compare.js";
import { discoverCaseFiles } from "./discover.js";
import { loadCaseFile, type LoadedCase } from "./loader.js";
import { stripCase } from "./strip.js";

export interface ConformanceOptions {
  /** Case files or folders (default: hvabi's bundled cases/). */
  paths?: string[];
  /**
   * A core name as for `hvabi run --core` (default "reference"), a Core or CaseExecutor object,
   * or a function returning one, called when the suite starts (so a core that fails to load
   * fails the tests instead of the test file's collection).
   */
  core?: string | Core | CaseExecutor | (() => Core | CaseExecutor | Promise<Core | CaseExecutor>);
  /** Only these profiles (default: every profile a case applies to). */
  profiles?: string[];
  /** Name of the enclosing describe block (default "hvabi conformance"). */
  name?: string;
  /**
   * Fail, rather than skip, a case the core does not run (an area, profile or
   * operation it lacks). Mutation testing uses it: a mutant that makes the
   * core disown a case must not survive as a skip.
   */
  strict?: boolean;
}

/** A failed step in words: `step 1 (gnttab_set_version): result expected "ENOSYS", observed "ok"`. */
export function describeMismatches(steps: { index: number; op: string; mismatches: Mismatch[] }[]): string {
  return steps
    .filter((step) => step.mismatches.length > 0)
    .flatMap((step) =>
      step.mismatches.map(
        (m) => `step ${step.index} (${step.op}): ${m.field} expected ${JSON.stringify(m.expected)}, observed ${JSON.stringify(m.observed)}`,
      ),
    )
    .join("\n");
}

class ConformanceFailure extends Error {
  readonly expected: unknown;
  readonly actual: unknown;
  readonly showDiff = true;

  constructor(message: string, expected: unknown, actual: unknown) {
    super(message);
    this.name = "ConformanceFailure";
    this.expected = expected;
    this.actual = actual;
  }
}

function isCore(core: Core | CaseExecutor): core is Core {
  return typeof (core as Core).run === "function";
}

async function checkCase(core: Core, loaded: LoadedCase, run: ProfileRun, skip: (note: string) => void): Promise<void> {
  const { profile, inheritedFrom } = run;
  const [outcome] = await core.run([stripCase(loaded.data, loaded.area, profile, inheritedFrom)]);
  if (outcome === undefined) throw new Error(`core ${core.description.name} returned no outcome`);
  if (outcome.kind === "skipped") return skip(`skipped by the core: ${outcome.reason}`);
  if (outcome.kind !== "observed") throw new Error(`${outcome.kind}: ${outcome.message}`);
  const steps = loaded.data.steps;
  if (outcome.steps.length !== steps.length) {
    throw new Error(`the core returned ${outcome.steps.length} observations for ${steps.length} steps`);
  }
  const compared = steps.map((step, index) => {
    const expected = expectationFor(step, profile, inheritedFrom);
    if (expected === undefined) throw new Error(`step ${index} has no expectation for ${profile}`);
    return { index, op: step.op, expected, observed: outcome.steps[index]!, mismatches: compareStep(expected, outcome.steps[index]!) };
  });
  if (compared.some((step) => step.mismatches.length > 0)) {
    throw new ConformanceFailure(
      describeMismatches(compared),
      compared.map((step) => step.expected),
      compared.map((step) => step.observed),
    );
  }
}

/** Registers one vitest test per case and profile. Call it at the top level of a test file. */
export function conformanceSuite(options: ConformanceOptions = {}): void {
  const spec = loadSpec();
  const paths = options.paths ?? [defaultCasesDir()];
  const loaded: LoadedCase[] = [];
  const invalid: { file: string; message: string }[] = [];
  for (const file of discoverCaseFiles(paths).files) {
    const result = loadCaseFile(file, spec);
    if (result.ok) loaded.push(result);
    else invalid.push({ file: result.file, message: result.problems.map((p) => formatProblem(result.file, p)).join("\n") });
  }

  describe(options.name ?? "hvabi conformance", () => {
    let core: Core | undefined;
    let startFailure: unknown;
    // A core that fails to start fails every case (vitest would only skip the tests after a failing beforeAll);
    // A core named by a string is resolved (and the reference core loaded) here, when the suite starts, never while the file is collected.
    beforeAll(async () => {
      try {
        const option = options.core ?? "reference";
        const given = typeof option === "function" ? await option() : option;
        core = typeof given === "string" ? await (await import("./resolve-core.js")).resolveCore(given) : isCore(given) ? given : inProcessCore(given);
      } catch (error) {
        startFailure = error;
      }
    });
    afterAll(async () => {
      // A core object the caller handed over is the caller's to close.
      if (typeof options.core !== "object") await core?.close();
    });

    for (const { file, message } of invalid) {
      test(`invalid case file ${file}`, () => {
        throw new Error(message);
      });
    }
    for (const entry of loaded) {
      // Every profile the case applies to, inherited ones included (applicability.ts).
      for (const run of entry.runs) {
        const { profile } = run;
        if (options.profiles !== undefined && !options.profiles.includes(profile)) continue;
        test(`${entry.data.id} [${profile}]`, async (context) => {
          // Not run by the spec's own rule (a clause that does not hold in an inherited profile): a skip even in strict mode.
          if (run.skip !== undefined) return context.skip(run.skip);
          if (core === undefined) throw new Error(`the core did not start: ${startFailure instanceof Error ? startFailure.message : String(startFailure)}`, { cause: startFailure });
          const { description } = core;
          const skip = (note: string): void => {
            if (options.strict) throw new Error(`not run by the core (strict mode): ${note}`);
            context.skip(note);
          };
          if (!description.areas.includes(entry.area)) return skip(`core ${description.name} does not implement area ${entry.area}`);
          if (!description.profiles.includes(profile)) return skip(`core ${description.name} does not implement profile ${profile}`);
          await checkCase(core, entry, run, skip);
        });
      }
    }
  });
}
