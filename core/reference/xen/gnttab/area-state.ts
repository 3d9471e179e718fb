import type { GnttabChoices } from "../../../../spec/types/generated";
import { profileChoices } from "../../../../spec";
import type { XenMachine } from "../machine";
import type { GnttabOptions } from "./options";

export const GNTTAB = "gnttab";

/** The `gnttab=` options in force (set at boot, before anything can read them). */
export function gnttabOptions(machine: XenMachine): GnttabOptions {
  return machine.options.get(GNTTAB) as GnttabOptions;
}

/** The profile's grant-table choices (spec/data/areas/gnttab/choices.json). */
export const gnttabChoices = (machine: XenMachine): GnttabChoices => profileChoices<GnttabChoices>(machine.spec, "gnttab", machine.profile);
