/**
 * CPUID policies: what the host offers once Xen's boot options removed
 * features (S4), and what a domain sees (S5, P13): the guests each feature
 * is offered to (spec/data/xen/featureset.json), its dependencies, and what
 * 32-bit PV removes, less the features the profile's Xen does not know.
 * HVM guests are modelled with HAP.
 */
import type { Cr4Choices } from "../../../../spec/types/generated";
import { profileChoices } from "../../../../spec";
import { smapSettings } from "../smap/area-state";
import type { XenMachine } from "../machine";
import type { DomainType, XenDomain } from "../domain";
import { featureset } from "./abi";
import { x86State } from "./domain-state";
import { cpuFeatureByName, isAmdOrHygon } from "./host";

/** What a domain's policy depends on besides the host. */
export interface PolicySubject {
  type: DomainType;
  /** Features the toolstack added to this PV domain's offering (a seed CR4 allow-list). */
  extraFeatures: readonly string[];
}

export function policySubject(domain: XenDomain): PolicySubject {
  return { type: domain.type, extraFeatures: x86State(domain).extraFeatures };
}

function policyOf(machine: XenMachine, name: string) {
  const policy = featureset(machine).features[name];
  if (policy === undefined) throw new Error(`spec/data/xen/featureset.json has no feature ${name}`);
  return policy;
}

/** The profile's Xen knows the feature (cr4 choice `unknownFeatures` lists those it does not: no guest is offered them). */
const knownToXen = (machine: XenMachine, name: string): boolean =>
  !profileChoices<Cr4Choices>(machine.spec, "cr4", machine.profile).unknownFeatures.includes(name);

/** The host has the feature and Xen left it in the host policy (`smep=0`/`smap=0` remove them). */
export function hostOffers(machine: XenMachine, name: string): boolean {
  const { host } = policyOf(machine, name);
  const present = host === "always" ? true : host === "never" ? false : cpuFeatureByName(machine, host);
  if (!present) return false;
  const settings = smapSettings(machine);
  if (name === "smep" && settings.smep === "off") return false;
  if (name === "smap" && settings.smap === "off") return false;
  return true;
}

function offeredByDefault(guests: string, type: DomainType): boolean {
  if (guests === "A") return true;
  if (guests === "S" || guests === "H") return type === "hvm";
  return false;
}

/** The domain's CPUID policy has the feature. Features that mirror CR4 (`!`) are read by the CPUID operation, not here. */
export function domainHas(machine: XenMachine, subject: PolicySubject, name: string): boolean {
  const catalogue = featureset(machine);
  const { guests, requires } = policyOf(machine, name);
  if (guests === "!") throw new Error(`${name} reports CR4 state, not a capability`);
  const offered = offeredByDefault(guests, subject.type) || subject.extraFeatures.includes(name);
  if (!offered || !knownToXen(machine, name) || !hostOffers(machine, name)) return false;
  if (subject.type === "pv32") {
    if (catalogue.pv32Hidden.includes(name)) return false;
    if (!isAmdOrHygon(machine) && catalogue.pv32HiddenUnlessAmd.includes(name)) return false;
  }
  return (requires ?? []).every((dependency) => domainHas(machine, subject, dependency));
}

/** The policy has at least one of the features (an empty list: always). */
export const domainHasAny = (machine: XenMachine, subject: PolicySubject, names: readonly string[]): boolean =>
  names.length === 0 || names.some((name) => domainHas(machine, subject, name));
