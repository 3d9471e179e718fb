import type { XenMachine } from "../machine";
import type { GnttabOptions } from "./options";

export const GNTTAB = "gnttab";

/** The `gnttab=` options in force (set at boot, before anything can read them). */
export function gnttabOptions(machine: XenMachine): GnttabOptions {
  return machine.options.get(GNTTAB) as GnttabOptions;
}
