import type { XenMachine } from "../machine";

export const CR4 = "cr4";

export interface Cr4Options {
  /** opt_mce (`mce`, a boolean parameter). */
  mce: boolean;
}

/** Set by initOptions, the first thing boot does; nothing reads it earlier. */
export const cr4Options = (machine: XenMachine): Cr4Options => machine.options.get(CR4) as Cr4Options;
