/** Runs a Xen case on a fresh machine of the reference core. */
import type { Spec } from "../../../spec";
import type { StepObservation } from "../../../spec/types/generated";
import type { CaseInput, StepInput } from "../../interface";
import type { Observation } from "../observe";
import { XEN_AREAS } from "./areas";
import { CaseModelError } from "../model-error";
import { XenMachine } from "./machine";

type AnyHandler = (machine: XenMachine, args: unknown) => Observation;

const HANDLERS = new Map<string, AnyHandler>();
for (const area of XEN_AREAS) {
  for (const [op, handler] of Object.entries(area.operations)) HANDLERS.set(op, handler as AnyHandler);
}

export const XEN_OPERATIONS: readonly string[] = ["boot", ...HANDLERS.keys()];

function bootAndCreate(machine: XenMachine, input: CaseInput): Observation {
  const observation = machine.boot();
  for (const domain of input.config.domains) {
    const created = machine.createDomain(domain);
    if ("errno" in created) {
      throw new CaseModelError(`config.domains: creating d${domain.domid!} failed with ${created.errno}`);
    }
  }
  return observation;
}

function runStep(machine: XenMachine, input: CaseInput, step: StepInput): Observation {
  if (step.op === "boot") {
    if (machine.booted) throw new CaseModelError("`boot` may only be the first step");
    return bootAndCreate(machine, input);
  }
  const handler = HANDLERS.get(step.op);
  if (handler === undefined) throw new CaseModelError(`operation ${step.op} is not a Xen operation`);
  return handler(machine, "args" in step ? step.args : undefined);
}

export function executeXen(spec: Spec, input: CaseInput): StepObservation[] {
  const machine = new XenMachine(spec, input.profile, input.config, XEN_AREAS);
  if (input.steps[0]!.op !== "boot") bootAndCreate(machine, input);
  return input.steps.map((step) => {
    const logStart = machine.console.length;
    const observation: StepObservation = { ...runStep(machine, input, step) };
    const keys = step.observe?.state;
    if (keys !== undefined) {
      const state: NonNullable<StepObservation["state"]> = {};
      for (const key of keys) {
        const value = machine.readState(key);
        if (value === undefined) throw new CaseModelError(`no Xen area answers state key ${key}`);
        state[key] = value;
      }
      observation.state = state;
    }
    if (step.observe?.log) observation.log = machine.console.slice(logStart);
    return observation;
  });
}
