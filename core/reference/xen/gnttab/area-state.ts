import type { XenMachine } from "../machine";
import type { GnttabOptions } from "./options";

export const GNTTAB = "gnttab";

/** The `gnttab=` options in force on a booted machine. */
export function gnttabOptions(machine: XenMachine): GnttabOptions {
  const options = machine.options.get(GNTTAB) as GnttabOptions | undefined;
  if (options === undefined) throw new Error("gnttab options read before boot");
  return options;
}
