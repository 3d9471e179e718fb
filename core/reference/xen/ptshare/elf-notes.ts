/**
 * The Xen ELF notes of a guest kernel as the domain builder reads them
 * (libelf elf_xen_parse_note(), elf_xen_parse_features(); F5): unknown types
 * are logged and ignored; an unknown required feature stops the load. The
 * profile may know more notes (seed 001's promise not to share top-level
 * page tables), or fewer (an older libelf: ptshare choice `unknownElfNotes`).
 */
import type { DomainConfig, ElfNoteCatalogue, LogEntry } from "../../../../spec/types/generated";
import type { XenMachine } from "../machine";
import { hexFormat } from "../printk";
import { ptshareChoices } from "../pv/validation";

export interface ElfNotesOutcome {
  /** The kernel cannot be loaded. */
  refused: boolean;
  noSharedTopLevel: boolean;
  log: LogEntry[];
}

const catalogue = (machine: XenMachine): ElfNoteCatalogue => machine.spec.data<ElfNoteCatalogue>("areas/ptshare/elf-notes.json");

/** elf_xen_parse_features(): `|`-separated names; a `!name` that Xen does not know fails. */
export function featuresRefused(machine: XenMachine, features: string): boolean {
  const known = catalogue(machine).featureNames;
  return features
    .split("|")
    .some((name) => name.startsWith("!") && !known.includes(name.slice(1)));
}

export function readElfNotes(machine: XenMachine, config: DomainConfig): ElfNotesOutcome {
  const outcome: ElfNotesOutcome = { refused: false, noSharedTopLevel: false, log: [] };
  const { notes, featuresNote } = catalogue(machine);
  const { extraElfNotes: extra, unknownElfNotes: unknown } = ptshareChoices(machine);
  // The runner has filled in the schema default ([]).
  for (const note of config.elfNotes!) {
    const added = extra.find((candidate) => candidate.type === note.type);
    if (added !== undefined) {
      // no-shared-top-level is the only meaning spec/choices-ptshare.schema.json allows.
      outcome.noSharedTopLevel = true;
      continue;
    }
    if (unknown.includes(note.type) || !notes.some((known) => known.type === note.type)) {
      outcome.log.push({ msg: "elf-note-unknown", type: hexFormat(BigInt(note.type), true) });
      continue;
    }
    if (note.type === featuresNote && note.string !== undefined && featuresRefused(machine, note.string)) {
      outcome.refused = true;
      break;
    }
  }
  return outcome;
}

export const kernelPromisesNoSharedTopLevel = (machine: XenMachine, config: DomainConfig): boolean =>
  readElfNotes(machine, config).noSharedTopLevel;
