/** Builds booted Xen machines of the reference core from partial configurations, defaults filled in as the runner does. */
import { loadSpec } from "../../spec";
import type { Config } from "../../spec/types/generated";
import { loadCaseText } from "../../runner/loader";
import { XEN_AREAS } from "../../core/reference/xen/areas";
import { XenMachine } from "../../core/reference/xen/machine";
import type { XenDomain } from "../../core/reference/xen/domain";

export const spec = loadSpec();

/** The configuration with every schema default filled in (through the case loader, as a run does). */
export function filledConfig(config: Config): Required<Config> {
  const probe = {
    id: "pte.probe.config",
    title: "configuration probe",
    clauses: ["PTE-L1-FLAGS"],
    polarity: "accept",
    profiles: ["xen-4.22"],
    config,
    steps: [{ op: "boot", expect: { result: "ok" } }],
  };
  const loaded = loadCaseText("cases/pte/probe.json", JSON.stringify(probe), spec);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.pointer}: ${p.message}`).join("; "));
  return loaded.data.config as Required<Config>;
}

/** A booted machine with the configuration's domains created. */
export function bootedMachine(config: Config = {}, profile = "xen-4.22"): XenMachine {
  const full = filledConfig(config);
  const machine = new XenMachine(spec, profile, full, XEN_AREAS);
  machine.boot();
  for (const domain of full.domains) {
    const created = machine.createDomain(domain);
    if ("errno" in created) throw new Error(`creating d${domain.domid} failed: ${created.errno}`);
  }
  return machine;
}

export function domain(machine: XenMachine, domid = 1): XenDomain {
  const found = machine.domains.get(domid);
  if (found === undefined) throw new Error(`no d${domid}`);
  return found;
}
