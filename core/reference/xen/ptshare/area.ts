/** The page-table sharing area: `xpti=`, `pcid=`, `invpcid`, ELF notes, per-vCPU top-level tables. */
import type { DomainConfig, Errno } from "../../../../spec/types/generated";
import type { XenArea, XenMachine } from "../machine";
import { readElfNotes } from "./elf-notes";
import { defaultPtshareOptions, parsePcid, parseXpti, PTSHARE, ptshareOptions } from "./options";
import { ptshareStateReaders } from "./state";

const einval = (machine: XenMachine): number => machine.spec.errno.EINVAL;

/** The domain builder reads the kernel's ELF notes; an unknown required feature stops it (F5). */
function validateDomain(machine: XenMachine, config: DomainConfig): Errno | undefined {
  const notes = readElfNotes(machine, config);
  for (const entry of notes.log) machine.print(entry);
  return notes.refused ? "EINVAL" : undefined;
}

export const ptshareArea: XenArea = {
  name: PTSHARE,
  customParams: {
    xpti: (machine, value) => parseXpti(value, ptshareOptions(machine), einval(machine)),
    pcid: (machine, value) => parsePcid(value, ptshareOptions(machine), einval(machine)),
  },
  boolParams: {
    invpcid: (machine, value) => {
      ptshareOptions(machine).invpcid = value;
    },
  },
  initOptions(machine) {
    machine.options.set(PTSHARE, defaultPtshareOptions());
  },
  validateDomain,
  operations: {},
  stateReaders: ptshareStateReaders,
};
