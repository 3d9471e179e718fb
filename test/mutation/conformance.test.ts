/**
 * The conformance suite as the test that judges mutants of the reference
 * core (npm run mutation). The core is imported from source when the suite
 * starts, so Stryker's instrumented code is what runs, and a mutant that
 * breaks the core's loading fails every test instead of the file's collection.
 */
import { conformanceSuite } from "../../runner/vitest.mts";

conformanceSuite({
  core: async () => (await import("../../core/reference")).createReferenceExecutor(),
  name: "conformance",
  strict: true,
});
