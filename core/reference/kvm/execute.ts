/** Runs a KVM case on a fresh machine of the reference core. */
import { matchStateKey, type Spec } from "../../../spec";
import type { StepObservation, Value, VcpuInitArgs } from "../../../spec/types/generated";
import type { CaseInput, StepInput } from "../../interface";
import { CaseModelError } from "../model-error";
import { ok, type Observation } from "../observe";
import { KVM_AREAS } from "./areas";
import { hostGetMsr, hostSetMsr, hostSetSregs, initVcpu, vmmMigrate, vmmSystemReset } from "./host";
import { instructionOperations } from "./instructions";
import { KvmMachine, type KvmOperations, type KvmStateReader } from "./machine";
import { readKvmState } from "./state";

/** The machine's own operations and those its areas add (in the order the reference core lists them). */
const OPERATIONS: KvmOperations = {
  ...instructionOperations,
  ...KVM_AREAS.reduce<KvmOperations>((operations, area) => ({ ...operations, ...area.operations }), {}),
  host_set_msr: hostSetMsr,
  host_get_msr: hostGetMsr,
  host_set_sregs: hostSetSregs,
  // The loader fills in the schema's defaults: args is {} at least.
  vcpu_init(machine, args: VcpuInitArgs) {
    initVcpu(machine, machine.vcpu(args.vcpu ?? 0));
    return ok();
  },
  vmm_system_reset: vmmSystemReset,
  vmm_migrate: vmmMigrate,
};

/** The areas' state readers, by template. */
const AREA_STATE_READERS = new Map<string, KvmStateReader>(KVM_AREAS.flatMap((area) => Object.entries(area.stateReaders)));

type AnyHandler = (machine: KvmMachine, args: unknown) => Observation;

export const KVM_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

function runStep(machine: KvmMachine, step: StepInput): Observation {
  const handler = (OPERATIONS as Record<string, AnyHandler | undefined>)[step.op];
  if (handler === undefined) throw new CaseModelError(`operation ${step.op} is not a KVM operation`);
  return handler(machine, "args" in step ? step.args : undefined);
}

/** A state key's value: the machine's own keys, then its areas' catalogued ones; undefined when nobody answers it. */
function readState(machine: KvmMachine, key: string): Value | undefined {
  const own = readKvmState(machine, key);
  if (own !== undefined) return own;
  const match = matchStateKey(machine.spec, key);
  return match === undefined ? undefined : AREA_STATE_READERS.get(match.template)?.(machine, match.params);
}

export function executeKvm(spec: Spec, input: CaseInput): StepObservation[] {
  const machine = new KvmMachine(spec, input.profile, input.config, input.steps[0]!.op === "guest_boot", KVM_AREAS);
  return input.steps.map((step) => {
    const logStart = machine.console.length;
    const observation: StepObservation = { ...runStep(machine, step) };
    const keys = step.observe?.state;
    if (keys !== undefined && keys.length > 0) {
      const state: NonNullable<StepObservation["state"]> = {};
      for (const key of keys) {
        const value = readState(machine, key);
        if (value === undefined) throw new CaseModelError(`the KVM machine does not answer state key ${key}`);
        state[key] = value;
      }
      observation.state = state;
    }
    if (step.observe?.log) observation.log = machine.console.slice(logStart);
    return observation;
  });
}
