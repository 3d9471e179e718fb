/**
 * Seed 002's toolstack allow-list of extra CR4 bits for a nominated PV
 * domain. Merged Xen has no such interface (C8): a non-empty list cannot be
 * honoured, so the model refuses the configuration instead of dropping it.
 */
import type { DomainConfig, Errno } from "../../../../spec/types/generated";
import type { XenMachine } from "../machine";
import { gnttabBitReserved } from "../pv/flags";
import { cr4Choices } from "../pv/guest-cr4";

/** The nominated bits; the loader has applied the schema's default (an empty list). */
export const acceptedAllowList = (config: DomainConfig): readonly string[] => config.cr4AllowList as readonly string[];

/** The CPUID features the nominated bits bring into the domain's offering. */
export function allowListFeatures(machine: XenMachine, config: DomainConfig): string[] {
  const nominated = acceptedAllowList(config);
  return cr4Choices(machine)
    .toolstackAllowList.candidates.filter((candidate) => nominated.includes(candidate.bit))
    .flatMap((candidate) => candidate.anyFeature);
}

export function allowListRefusal(machine: XenMachine, config: DomainConfig): Errno | undefined {
  const nominated = acceptedAllowList(config);
  if (nominated.length === 0) return undefined;
  const { supported, candidates, unsupportedErrno, invalidErrno } = cr4Choices(machine).toolstackAllowList;
  if (!supported) return unsupportedErrno;
  if (config.type === "hvm") return invalidErrno;
  if (nominated.some((bit) => !candidates.some((candidate) => candidate.bit === bit))) return invalidErrno;
  // Protection keys live in PTE bits 59-62, which a build reserving _PAGE_GNTTAB (bit 62) cannot give away.
  if (nominated.includes("PKE") && gnttabBitReserved(machine)) return invalidErrno;
  return undefined;
}
