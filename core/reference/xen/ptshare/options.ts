/**
 * `xpti=` (xen-pv-abi-facts F3; xen/arch/x86/spec_ctrl.c parse_xpti()),
 * `pcid=` and `invpcid` (xen/arch/x86/pv/domain.c parse_pcid(), setup.c).
 */
import { listElements, parseBool, parseBoolean } from "../cmdline";
import { cpuFeature, isAmdOrHygon } from "../x86/host";
import type { XenMachine } from "../machine";

export const PTSHARE = "ptshare";

export type PcidSetting = "off" | "on" | "xpti" | "noxpti";

export interface PtshareOptions {
  /** opt_xpti_hwdom / opt_xpti_domu: undefined is -1 (the default, resolved at boot). */
  xptiDom0: boolean | undefined;
  xptiDomu: boolean | undefined;
  pcid: PcidSetting;
  invpcid: boolean;
}

export const defaultPtshareOptions = (): PtshareOptions => ({ xptiDom0: undefined, xptiDomu: undefined, pcid: "xpti", invpcid: true });

export function ptshareOptions(machine: XenMachine): PtshareOptions {
  return machine.options.get(PTSHARE) as PtshareOptions;
}

/**
 * parse_xpti(): bare `xpti` turns both on. `default` is compared with the
 * whole rest of the value (strcmp), so it only works as the last element;
 * an empty element is an error unless it is the last one.
 */
export function parseXpti(value: string, options: PtshareOptions, einval: number): number {
  let rc = 0;
  if (value === "") {
    options.xptiDom0 = true;
    options.xptiDomu = true;
  }
  const elements = listElements(value);
  elements.forEach((element, i) => {
    const rest = elements.slice(i).join(",");
    const both = parseBool(element);
    if (both >= 0) {
      options.xptiDom0 = both === 1;
      options.xptiDomu = both === 1;
      return;
    }
    const dom0 = parseBoolean("dom0", element);
    const domu = parseBoolean("domu", element);
    if (rest === "default") {
      options.xptiDom0 = undefined;
      options.xptiDomu = undefined;
    } else if (dom0 >= 0) {
      options.xptiDom0 = dom0 === 1;
    } else if (domu >= 0) {
      options.xptiDomu = domu === 1;
    } else if (rest !== "") {
      rc = -einval;
    }
  });
  return rc;
}

/** parse_pcid(): a K2 boolean over the whole value, else `xpti` as a parse_boolean name. */
export function parsePcid(value: string, options: PtshareOptions, einval: number): number {
  const bool = parseBool(value);
  if (bool >= 0) {
    options.pcid = bool === 1 ? "on" : "off";
    return 0;
  }
  const xpti = parseBoolean("xpti", value);
  if (xpti < 0) return -einval;
  options.pcid = xpti === 1 ? "xpti" : "noxpti";
  return 0;
}

/** xpti_init_default(): on, unless the CPU is AMD/Hygon or not vulnerable to Meltdown (RDCL_NO). */
function xptiDefault(machine: XenMachine): boolean {
  // The runner has filled in the schema defaults of config.cpu.vulnerable.
  return !isAmdOrHygon(machine) && machine.config.cpu.vulnerable!.meltdown === true;
}

export const xptiDom0 = (machine: XenMachine): boolean => ptshareOptions(machine).xptiDom0 ?? xptiDefault(machine);
export const xptiDomu = (machine: XenMachine): boolean => ptshareOptions(machine).xptiDomu ?? xptiDefault(machine);

/** use_invpcid: the CPU has INVPCID and `invpcid` is on. */
export const useInvpcid = (machine: XenMachine): boolean => ptshareOptions(machine).invpcid && cpuFeature(machine, "invpcid");
