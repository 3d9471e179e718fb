/**
 * The machines of the reference core, one per hypervisor family. Each says
 * which areas and operations it implements and runs a case on a fresh instance.
 */
import { isAreaName, type Spec } from "../../spec";
import type { StepObservation } from "../../spec/types/generated";
import type { CaseInput } from "../interface";
import { XEN_AREAS } from "./xen/areas";
import { executeXen, XEN_OPERATIONS } from "./xen/execute";
import { KVM_AREAS } from "./kvm/areas";
import { executeKvm, KVM_OPERATIONS } from "./kvm/execute";

export interface ReferenceMachine {
  hypervisor: CaseInput["config"]["hypervisor"];
  areas: readonly string[];
  operations: readonly string[];
  execute(spec: Spec, input: CaseInput): StepObservation[];
}

const xen: ReferenceMachine = {
  hypervisor: "xen",
  // Less the machinery every area builds on (xen-platform, xen-x86), which has no cases of its own.
  areas: XEN_AREAS.map((area) => area.name).filter(isAreaName),
  operations: XEN_OPERATIONS,
  execute: executeXen,
};

const kvm: ReferenceMachine = {
  hypervisor: "kvm",
  areas: KVM_AREAS.map((area) => area.name),
  operations: KVM_OPERATIONS,
  execute: executeKvm,
};

export const MACHINES: readonly ReferenceMachine[] = [xen, kvm];
