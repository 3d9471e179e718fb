import type { XenMachine } from "../machine";

export const CR4 = "cr4";

export interface Cr4Options {
  /** opt_mce (`mce`, a boolean parameter). */
  mce: boolean;
}

export function cr4Options(machine: XenMachine): Cr4Options {
  const options = machine.options.get(CR4) as Cr4Options | undefined;
  if (options === undefined) throw new Error("cr4 options read before boot");
  return options;
}
