/** The PV page-table-entry area: mmu_update/mmuext_op, PTE validation and adjustment, `global-pages`. */
import type { XenArea } from "../machine";
import { pteOperations } from "./ops";
import { PTE, pteOptions } from "./options";
import { pteStateReaders } from "./state";

export const pteArea: XenArea = {
  name: PTE,
  customParams: {},
  boolParams: {
    "global-pages": (machine, value) => {
      pteOptions(machine).globalPages = value;
    },
  },
  initOptions(machine) {
    machine.options.set(PTE, { globalPages: "default" });
  },
  operations: pteOperations,
  stateReaders: pteStateReaders,
};
