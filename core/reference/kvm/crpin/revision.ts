/** The CR-pinning revision a profile implements (spec/data/areas/crpin/choices.json), with masks and MSR lookups. */
import { profileChoices, type Spec } from "../../../../spec";
import type { CrpinChoices, CrpinMsr } from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import { layout } from "../../../x86/layouts";
import { maskOf } from "../rules";
import type { PinnedRegister } from "../vcpu";

export type MsrRole = CrpinMsr["role"];

export interface RevisionMsr {
  name: string;
  number: bigint;
  register: PinnedRegister;
  role: MsrRole;
}

export interface CrpinRevision {
  readonly choices: CrpinChoices;
  readonly allowed: Record<PinnedRegister, bigint>;
  readonly featureMask: bigint;
  readonly msrs: readonly RevisionMsr[];
  byNumber(number: bigint): RevisionMsr | undefined;
  /** By MSR name, or by alias `<register>-<role>` (cr4-pin, cr0-allowed, cr4-pin-low). */
  byName(name: string): RevisionMsr | undefined;
  foreign(number: bigint): string | undefined;
}

export const aliasOf = (msr: { register: string; role: string }): string => `${msr.register}-${msr.role}`;

const cache = new WeakMap<Spec, Map<string, CrpinRevision | undefined>>();

/** The revision of `profile`, or undefined when the profile does not cover the crpin area; worked out once per spec and profile. */
export function crpinRevision(spec: Spec, profile: string): CrpinRevision | undefined {
  let revisions = cache.get(spec);
  if (revisions === undefined) cache.set(spec, (revisions = new Map()));
  if (!revisions.has(profile)) revisions.set(profile, readRevision(spec, profile));
  return revisions.get(profile);
}

function readRevision(spec: Spec, profile: string): CrpinRevision | undefined {
  if (!spec.profiles.get(profile)?.areas.includes("crpin")) return undefined;
  const choices = profileChoices<CrpinChoices>(spec, "crpin", profile);
  const msrs: RevisionMsr[] = choices.msrs.map((msr) => ({ ...msr, number: parseHex(msr.number) }));
  const names = new Map<string, RevisionMsr>();
  for (const msr of msrs) {
    names.set(msr.name, msr);
    names.set(aliasOf(msr), msr);
  }
  const foreign = new Map(choices.otherKvmMsrs.map((msr) => [parseHex(msr.number), msr.name]));
  return {
    choices,
    allowed: { cr0: maskOf(layout(spec, "cr0"), choices.allowed.cr0), cr4: maskOf(layout(spec, "cr4"), choices.allowed.cr4) },
    featureMask: 1n << BigInt(choices.featureBit),
    msrs,
    byNumber: (number) => msrs.find((msr) => msr.number === number),
    byName: (name) => names.get(name),
    foreign: (number) => foreign.get(number),
  };
}
