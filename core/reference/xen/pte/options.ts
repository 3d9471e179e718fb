import { isAmdOrHygon } from "../x86/host";
import type { XenMachine } from "../machine";
import type { Tristate } from "../smap/options";

export const PTE = "pte";

export interface PteOptions {
  /** opt_global_pages (`global-pages`, a boolean parameter): -1 until boot. */
  globalPages: Tristate;
}

export function pteOptions(machine: XenMachine): PteOptions {
  return machine.options.get(PTE) as PteOptions;
}

/** pge_init(): global pages unless Xen runs virtualised on AMD or Hygon (P12). */
export function globalPages(machine: XenMachine): boolean {
  const { globalPages: setting } = pteOptions(machine);
  return setting === "default" ? !(machine.xen.virtualised === true && isAmdOrHygon(machine)) : setting;
}
