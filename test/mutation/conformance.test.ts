/**
 * The conformance suite as the test that judges mutants of the reference
 * core (npm run mutation). It imports the core from source so Stryker's
 * instrumented code is what runs.
 */
import { createReferenceExecutor } from "../../core/reference";
import { conformanceSuite } from "../../runner/vitest.mts";

conformanceSuite({ core: createReferenceExecutor(), name: "conformance", strict: true });
