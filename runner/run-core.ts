/** A whole run against a core that is already started: the suite, then closing the core, then what it printed on stderr. */
import type { Spec } from "../spec";
import type { Report } from "../spec/types/generated";
import type { Core } from "../core/interface";
import { runSuite, type RunOptions } from "./run";

/** Runs the suite and closes the core, even when the run throws. */
export async function runAndClose(core: Core, spec: Spec, options: RunOptions): Promise<Report> {
  let report: Report;
  try {
    report = await runSuite(core, spec, options);
  } finally {
    await core.close();
  }
  // Read after close: what a core prints while shutting down belongs in the report too.
  const coreStderr = core.stderr?.();
  if (coreStderr) report.coreStderr = coreStderr;
  return report;
}
