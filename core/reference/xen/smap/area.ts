/** The SMEP/SMAP area: `smap=`/`smep=`, 32-bit PV availability (`pv=`, `cet=`, `fred`), and the domain-type effects the x86 platform implements. */
import type { DomainConfig, Errno } from "../../../../spec/types/generated";
import type { StateReader, XenArea, XenMachine } from "../machine";
import { smapChoices } from "../pv/hardware-cr4";
import { x86State } from "../x86/domain-state";
import { hvmEnabled } from "../x86/host";
import { xenUsesSmap, xenUsesSmep } from "../x86/xen-registers";
import { SMAP, smapSettings, smapState } from "./area-state";
import { defaultSmapOptions, parseCet, parsePv, parseSmap, parseSmep, type ResolvedSmapOptions } from "./options";
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

/** A setting boot resolved (xen-pv-abi-facts S3, S11). */
const setting =
  (name: keyof ResolvedSmapOptions): StateReader =>
  (machine) =>
    smapSettings(machine)[name];

/** State keys of spec/data/areas/smap/observables.json. */
const stateReaders: Record<string, StateReader> = {
  "xen.smap": setting("smap"),
  "xen.smep": setting("smep"),
  "xen.pv32": setting("pv32"),
  "xen.fred": setting("fred"),
  "xen.shstk": setting("shstk"),
  "xen.ibt": setting("ibt"),
  "xen.usesSmap": (machine) => xenUsesSmap(machine),
  "xen.usesSmep": (machine) => xenUsesSmep(machine),
  "xen.capabilities": (machine) => capabilities(machine),
  "d{domid}.smapAware": (machine, params) => {
    const domain = machine.domains.get(Number(params.domid));
    return domain === undefined ? null : x86State(domain).smapAware;
  },
};

export const smapArea: XenArea = {
  name: SMAP,
  customParams: {
    smap: (machine, value) => parseSmap(value, smapState(machine).parsed, smapChoices(machine), einval(machine)),
    smep: (machine, value) => parseSmep(value, smapState(machine).parsed, smapChoices(machine), einval(machine)),
    pv: (machine, value) =>
      parsePv(value, smapState(machine).parsed, pv32Built(machine), einval(machine), (what) => machine.print({ msg: "config-param-disabled", ...what })),
    cet: (machine, value) => parseCet(value, smapState(machine).parsed, smapChoices(machine), einval(machine)),
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
  stateReaders,
};
