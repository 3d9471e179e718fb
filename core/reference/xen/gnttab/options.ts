/** The `gnttab=` command-line option (xen-pv-abi-facts G1–G4), parameterised by the profile's grammar. */
import type { GnttabChoices } from "../../../../spec/types/generated";
import { parseBoolean, strictDecimal } from "../cmdline";

export interface GnttabOptions {
  maxVersion: number;
  transitive: boolean;
  transfer: boolean;
}

export function defaultOptions(choices: GnttabChoices, arch: "x86_64" | "arm64", pvBuilt: boolean): GnttabOptions {
  const defaults = choices.defaults[arch];
  return { maxVersion: defaults.maxVersion, transitive: defaults.transitive, transfer: defaults.transfer && pvBuilt };
}

/**
 * parse_gnttab(): each comma-separated element is applied on its own; an
 * invalid one makes the result -EINVAL but does not stop the others (K3).
 */
export function parseGnttab(
  value: string,
  options: GnttabOptions,
  choices: GnttabChoices,
  pvBuilt: boolean,
  einval: number,
): number {
  let rc = 0;
  for (const element of value.split(",")) {
    const prefix = choices.maxVersionPrefixes.find((candidate) => element.startsWith(candidate));
    if (prefix !== undefined) {
      const version = strictDecimal(element.slice(prefix.length));
      const { min, max } = choices.maxVersionRange;
      if (version !== undefined && version >= BigInt(min) && version <= BigInt(max)) options.maxVersion = Number(version);
      else rc = -einval;
      continue;
    }
    let recognised = false;
    for (const candidate of choices.booleanElements) {
      if (candidate.requiresPv && !pvBuilt) continue;
      const parsed = parseBoolean(candidate.name, element);
      if (parsed < 0) continue;
      options[candidate.name] = parsed === 1;
      recognised = true;
      break;
    }
    if (!recognised) rc = -einval;
  }
  return rc;
}
