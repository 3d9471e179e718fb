/**
 * The reference core: an executable reading of the spec, parameterised by
 * profile. It implements every profile in spec/data/profiles.json, for the
 * areas its machines model.
 */
import { loadSpec, type Spec } from "../../spec";
import { packageVersion } from "../../spec/paths";
import type { CaseExecutor, CaseInput, CaseOutcome, CoreDescription } from "../interface";
import { MACHINES } from "./machines";
import { CaseModelError } from "./model-error";

function describe(spec: Spec): CoreDescription {
  return {
    name: "hvabi-reference",
    version: packageVersion(),
    profiles: [...spec.profiles.keys()],
    areas: MACHINES.flatMap((machine) => machine.areas),
    operations: [...new Set(MACHINES.flatMap((machine) => machine.operations))],
    about: "The executable reading of the hvabi spec (TypeScript, in-process).",
  };
}

export function createReferenceExecutor(spec: Spec = loadSpec()): CaseExecutor {
  return {
    description: describe(spec),
    execute(input: CaseInput): CaseOutcome {
      const machine = MACHINES.find((candidate) => candidate.hypervisor === input.config.hypervisor);
      if (machine === undefined) return { kind: "skipped", reason: `the reference core has no ${input.config.hypervisor} machine` };
      try {
        return { kind: "observed", steps: machine.execute(spec, input) };
      } catch (error) {
        if (error instanceof CaseModelError) return { kind: "errored", message: error.message };
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        return { kind: "errored", message: `reference core internal error: ${detail}` };
      }
    },
  };
}
