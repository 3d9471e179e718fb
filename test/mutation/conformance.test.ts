/**
 * The conformance suite as the test that judges mutants of the reference
 * core (npm run mutation). The core is imported from source when the suite
 * starts, so Stryker's instrumented code is what runs, and a mutant that
 * breaks the core's loading fails every test instead of the file's collection.
 * Every case runs against a fresh view of the spec (./fresh-view.ts), so
 * Stryker credits every case that reads one of the core's caches with the code
 * filling it. Module-level code still runs when the suite starts, outside any
 * test, so Stryker counts it as static and tries it against all tests.
 */
import { inspect, isDeepStrictEqual } from "node:util";
import type { CaseInput } from "../../core/interface";
import { loadSpec } from "../../spec";
import { conformanceSuite } from "../../runner/vitest.mts";
import { freshView } from "./fresh-view";

/**
 * An outcome is JSON: what a served core sends over the wire. One that JSON
 * would change (an undefined member, a bigint) gives a different answer
 * in-process than served.
 */
function jsonValue<T>(outcome: T): T {
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(outcome)), outcome)) {
    throw new Error(`the reference core's outcome is not plain JSON: ${inspect(outcome, { depth: null })}`);
  }
  return outcome;
}

conformanceSuite({
  core: async () => {
    const { createReferenceExecutor } = await import("../../core/reference");
    const spec = loadSpec();
    return {
      description: createReferenceExecutor(spec).description,
      execute: (input: CaseInput) => jsonValue(createReferenceExecutor(freshView(spec)).execute(input)),
    };
  },
  name: "conformance",
  strict: true,
});
