/** The CR4/CR0 area: guest control-register writes and reads, Xen's CR4 and `mce`, and the seed's toolstack allow-list. */
import type { XenArea } from "../machine";
import { allowListRefusal } from "./allow-list";
import { cr4Operations } from "./ops";
import { CR4, cr4Options } from "./options";
import { cr4StateReaders } from "./state";

export const cr4Area: XenArea = {
  name: CR4,
  customParams: {},
  boolParams: {
    mce: (machine, value) => {
      cr4Options(machine).mce = value;
    },
  },
  initOptions(machine) {
    machine.options.set(CR4, { mce: true });
  },
  validateDomain: allowListRefusal,
  operations: cr4Operations,
  stateReaders: cr4StateReaders,
};
