/** The SMEP/SMAP area: `smap=`/`smep=`, 32-bit PV availability (`pv=`, `cet=`, `fred`), and the domain-type effects the x86 platform implements. */
import type { DomainConfig, Errno } from "../../../../spec/types/generated";
import { found, type StateRead } from "../../observe";
import type { XenArea, XenMachine } from "../machine";
import { smapChoices } from "../pv/hardware-cr4";
import { hvmEnabled } from "../x86/host";
import { xenUsesSmap, xenUsesSmep } from "../x86/xen-registers";
import { SMAP, smapSettings, smapState } from "./area-state";
import { defaultSmapOptions, parseCet, parsePv, parseSmap, parseSmep } from "./options";
import { pv32Built, resolveSmapOptions } from "./resolve";

const einval = (machine: XenMachine): number => machine.spec.errno.EINVAL;

/** XENVER_capabilities (init_xen_cap_info()). */
function capabilities(machine: XenMachine): string[] {
  const caps: string[] = [];
  if (machine.pvBuilt) caps.push("xen-3.0-x86_64");
  if (machine.pvBuilt && smapSettings(machine).pv32) caps.push("xen-3.0-x86_32p");
  if (hvmEnabled(machine)) caps.push("hvm-3.0-x86_32", "hvm-3.0-x86_32p", "hvm-3.0-x86_64");
  return caps;
}

const XEN_KEY = /^xen\.(smap|smep|usesSmap|usesSmep|pv32|capabilities|fred|shstk|ibt)$/;
const DOMAIN_KEY = /^d([0-9]+)\.smapAware$/;

function readState(machine: XenMachine, key: string): StateRead {
  const xen = XEN_KEY.exec(key);
  if (xen) {
    const settings = smapSettings(machine);
    switch (xen[1]) {
      case "usesSmap":
        return found(xenUsesSmap(machine));
      case "usesSmep":
        return found(xenUsesSmep(machine));
      case "capabilities":
        return found(capabilities(machine));
      default:
        return found(settings[xen[1] as "smap" | "smep" | "pv32" | "fred" | "shstk" | "ibt"]);
    }
  }
  const domain = DOMAIN_KEY.exec(key);
  if (domain) return found(machine.domains.get(Number(domain[1]))?.x86?.smapAware ?? null);
  return undefined;
}

export const smapArea: XenArea = {
  name: SMAP,
  customParams: {
    smap: (machine, value) => parseSmap(value, smapState(machine).parsed, smapChoices(machine), einval(machine)),
    smep: (machine, value) => parseSmep(value, smapState(machine).parsed, smapChoices(machine), einval(machine)),
    pv: (machine, value) =>
      parsePv(value, smapState(machine).parsed, pv32Built(machine), einval(machine), (what) => machine.print({ msg: "config-param-disabled", ...what })),
    cet: (machine, value) => parseCet(value, smapState(machine).parsed, einval(machine)),
  },
  boolParams: {
    fred: (machine, value) => {
      smapState(machine).parsed.fred = value;
    },
  },
  initOptions(machine) {
    machine.options.set(SMAP, { parsed: defaultSmapOptions() });
  },
  completeOptions(machine) {
    const state = smapState(machine);
    state.resolved = resolveSmapOptions(machine, state.parsed);
  },
  /** switch_compat(): no 32-bit PV without CONFIG_PV32, with `pv=32=0`, or under FRED or CET (S11). */
  validateDomain(machine, config: DomainConfig): Errno | undefined {
    return config.type === "pv32" && !smapSettings(machine).pv32 ? "EOPNOTSUPP" : undefined;
  },
  operations: {},
  readState,
};
