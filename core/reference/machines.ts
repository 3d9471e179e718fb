/**
 * The machines of the reference core, one per hypervisor family. Each says
 * which areas and operations it implements and runs a case on a fresh instance.
 */
import type { Spec } from "../../spec";
import type { StepObservation } from "../../spec/types/generated";
import type { CaseInput } from "../interface";
import { XEN_AREAS } from "./xen/areas";
import { executeXen, XEN_OPERATIONS } from "./xen/execute";
import { executeKvm, KVM_OPERATIONS } from "./kvm/execute";

export interface MachineKind {
  hypervisor: CaseInput["config"]["hypervisor"];
  areas: readonly string[];
  operations: readonly string[];
  execute(spec: Spec, input: CaseInput): StepObservation[];
}

const xen: MachineKind = {
  hypervisor: "xen",
  areas: XEN_AREAS.map((area) => area.name).filter((name) => name !== "xen"),
  operations: XEN_OPERATIONS,
  execute: executeXen,
};

const kvm: MachineKind = {
  hypervisor: "kvm",
  areas: ["crpin"],
  operations: KVM_OPERATIONS,
  execute: executeKvm,
};

export const MACHINES: readonly MachineKind[] = [xen, kvm];
