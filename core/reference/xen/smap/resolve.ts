/**
 * What __start_xen() and traps_init() make of the parsed options: the
 * PV-shim/AMD default of smep/smap (S3), FRED and CET use, and the 32-bit PV
 * switch-off they imply (S11), with the messages Xen prints. A profile whose
 * Xen has no FRED support (smap choice `fred`) never uses FRED.
 */
import { cpuFeature, isAmdOrHygon, pvShimMode } from "../x86/host";
import type { XenMachine } from "../machine";
import { profileChoices } from "../../../../spec";
import type { SmapChoices } from "../../../../spec/types/generated";
import type { ResolvedSmapOptions, SmapOptions } from "./options";

/** CONFIG_PV32: a PV build with 32-bit PV support. */
export const pv32Built = (machine: XenMachine): boolean => machine.pvBuilt && machine.kconfig("PV32");

export function resolveSmapOptions(machine: XenMachine, parsed: SmapOptions): ResolvedSmapOptions {
  // The runner has filled in the schema's default vendor (intel).
  const vendor = machine.config.cpu.vendor;
  const shim = pvShimMode(machine);
  const defaultOn = !shim || !isAmdOrHygon(machine);
  const smap = parsed.smap === "default" ? (defaultOn ? "on" : "off") : parsed.smap;
  const smep = parsed.smep === "default" ? (defaultOn ? "on" : "off") : parsed.smep;

  let fred: boolean;
  if (!profileChoices<SmapChoices>(machine.spec, "smap", machine.profile).fred) {
    // A Xen without FRED support: no `fred` parameter (spec/data/xen-params.json), no use of FRED.
    fred = false;
  } else if (!cpuFeature(machine, "fred")) {
    if (parsed.fred === true) machine.print({ msg: "fred-unavailable" });
    fred = false;
  } else {
    fred = parsed.fred === "default" ? vendor === "amd" && !shim : parsed.fred;
  }
  let pv32 = pv32Built(machine) && parsed.pv32;
  if (fred && pv32) {
    pv32 = false;
    machine.print({ msg: "pv32-disabled-fred" });
  }

  let shstk = cpuFeature(machine, "cet_ss") ? parsed.shstk : false;
  if (shstk === "default") {
    // Under virtualisation, shadow-stack fracturing on Intel without CET-SSS makes Xen conservative.
    const fracturing = vendor === "intel" && !cpuFeature(machine, "cet_sss");
    shstk = fred || (machine.xen.virtualised === true ? !fracturing : true);
  }
  const ibt = parsed.ibt && cpuFeature(machine, "cet_ibt");
  if ((shstk || ibt) && pv32) {
    pv32 = false;
    machine.print({ msg: "pv32-disabled-cet" });
  }
  return { smap, smep, pv32, shstk, ibt, fred };
}
