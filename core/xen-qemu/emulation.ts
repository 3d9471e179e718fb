/**
 * Steps whose answer QEMU's emulation decides, not Xen (hosts.json "emulationDeviations"): a
 * case the reference model predicts to meet one is not run, and the skip names QEMU's source.
 * The match is on what the model predicts for each step of an HVM guest, never on a case's id,
 * so a new case meeting the same behaviour is caught too.
 */
import type { CaseInput, CaseOutcome } from "../interface";
import { parseHex } from "../hex";
import { hosts, type EmulationDeviation } from "./hosts";

type StepArgs = Record<string, unknown>;

function argsOf(step: CaseInput["steps"][number]): StepArgs {
  return ("args" in step && typeof step.args === "object" && step.args !== null ? step.args : {}) as StepArgs;
}

/** The type of the domain a step runs in: its `dom`, or the case's first domain. */
function guestOf(input: CaseInput, args: StepArgs): string | undefined {
  const dom = typeof args.dom === "number" ? args.dom : input.config.domains[0]?.domid;
  return input.config.domains.find((domain) => domain.domid === dom)?.type;
}

function matches(deviation: EmulationDeviation, input: CaseInput, index: number, predicted: CaseOutcome): boolean {
  if (predicted.kind !== "observed") return false;
  const step = input.steps[index];
  const observation = predicted.steps[index];
  if (step === undefined || observation === undefined || observation.result !== "fault") return false;
  const { when } = deviation;
  const args = argsOf(step);
  if (guestOf(input, args) !== when.guest) return false;
  if (when.op !== undefined && !when.op.includes(step.op)) return false;
  for (const [name, value] of Object.entries(when.args ?? {})) if (args[name] !== value) return false;
  if (observation.fault?.vector !== when.fault) return false;
  if (when.errorCodeAllOf !== undefined) {
    const bits = parseHex(when.errorCodeAllOf);
    const code = observation.fault.errorCode === undefined ? 0n : parseHex(observation.fault.errorCode);
    if ((code & bits) !== bits) return false;
  }
  return true;
}

/** Why the case would judge QEMU rather than Xen, or undefined when it would not. */
export function emulationDeviation(input: CaseInput, predicted: CaseOutcome): string | undefined {
  for (const deviation of hosts().emulationDeviations.list) {
    for (let index = 0; index < input.steps.length; index++) {
      if (matches(deviation, input, index, predicted)) {
        return `judges QEMU's emulation, not Xen, at step ${index} (${input.steps[index]!.op}): ${deviation.reason}`;
      }
    }
  }
  return undefined;
}
