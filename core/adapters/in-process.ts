/** Wraps a per-case executor (the reference core, a user module) as a batch {@link Core}. */
import { performance } from "node:perf_hooks";
import type { CaseExecutor, CaseInput, CaseOutcome, Core } from "../interface";

export function inProcessCore(executor: CaseExecutor): Core {
  return {
    description: executor.description,
    async run(cases: readonly CaseInput[]): Promise<CaseOutcome[]> {
      const outcomes: CaseOutcome[] = [];
      for (const input of cases) {
        const start = performance.now();
        let outcome: CaseOutcome;
        try {
          const result = executor.execute(input);
          // Synchronous executors (the common case) skip a microtask per case.
          outcome = result instanceof Promise ? await result : result;
        } catch (error) {
          const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
          outcome = { kind: "errored", message: `the core threw: ${detail}` };
        }
        if (outcome.kind === "observed" && outcome.durationMs === undefined) {
          outcome = { ...outcome, durationMs: performance.now() - start };
        }
        outcomes.push(outcome);
      }
      return outcomes;
    },
    async close(): Promise<void> {
      await executor.close?.();
    },
  };
}
