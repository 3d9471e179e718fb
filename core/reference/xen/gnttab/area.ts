/** The grant-table area plugged into the Xen machine. */
import type { DomainConfig, Errno, GnttabAbi, Value } from "../../../../spec/types/generated";
import { parseHex, toHex } from "../../../hex";
import type { StateReader, XenArea, XenMachine } from "../machine";
import { GNTTAB, gnttabChoices, gnttabOptions } from "./area-state";
import { gnttabOperations } from "./ops";
import { defaultOptions, parseGnttab } from "./options";
import { GrantTable, type SharedEntry } from "./table";

const VERSION_MASK = 0xfn;

const abi = (machine: XenMachine): GnttabAbi => machine.spec.data<GnttabAbi>("areas/gnttab/abi.json");
const choices = gnttabChoices;

/** libxl's max_grant_version default: the highest version the host offers (G6). */
function toolstackDefaultVersion(machine: XenMachine): number {
  return gnttabOptions(machine).maxVersion;
}

/** The raw grant_opts a domain is created with. */
function grantOpts(machine: XenMachine, config: DomainConfig): bigint {
  if (config.grantOpts !== undefined) return parseHex(config.grantOpts);
  return BigInt(config.maxGrantVersion ?? toolstackDefaultVersion(machine));
}

/** Entry type names by their GTF_* number, from the ABI data. */
function typeName(abi: GnttabAbi, type: number): string {
  const found = Object.entries(abi.entryFlags.types).find(([, value]) => value === type);
  return found![0];
}

function tableOf(machine: XenMachine, params: Record<string, string>): GrantTable | undefined {
  const domain = machine.domains.get(Number(params.domid));
  return domain?.hasGrantTable ? domain.gnttab : undefined;
}

/** A reader of a per-domain key: null when the domain or its grant table does not exist. */
const perTable =
  (read: (table: GrantTable) => Value): StateReader =>
  (machine, params) => {
    const table = tableOf(machine, params);
    return table === undefined ? null : read(table);
  };

/** A reader of a per-entry key: null beyond the table as well. */
const perEntry =
  (read: (table: GrantTable, ref: number, entry: SharedEntry, flags: GnttabAbi["entryFlags"]) => Value): StateReader =>
  (machine, params) => {
    const table = tableOf(machine, params);
    const ref = Number(params.ref);
    return table === undefined || !table.holds(ref) ? null : read(table, ref, table.entry(ref), table.abi.entryFlags);
  };

/** State keys of spec/data/areas/gnttab/observables.json. */
const stateReaders: Record<string, StateReader> = {
  "xen.gnttab.maxVersion": (machine) => gnttabOptions(machine).maxVersion,
  "xen.gnttab.transitive": (machine) => gnttabOptions(machine).transitive,
  "xen.gnttab.transfer": (machine) => gnttabOptions(machine).transfer,
  "d{domid}.gnttab.version": perTable((table) => table.version),
  "d{domid}.gnttab.maxVersion": perTable((table) => table.maxVersion),
  "d{domid}.gnttab.statusFrames": perTable((table) => table.statusFrames),
  "d{domid}.grant[{ref}].type": perEntry((table, _ref, entry, flags) => typeName(table.abi, entry.flags & flags.typeMask)),
  "d{domid}.grant[{ref}].grantee": perEntry((_table, _ref, entry) => entry.domid),
  "d{domid}.grant[{ref}].frame": perEntry((_table, _ref, entry) => toHex(entry.frame)),
  "d{domid}.grant[{ref}].reading": perEntry((table, ref, _entry, flags) => (table.accessFlags(ref) & flags.reading) !== 0),
  "d{domid}.grant[{ref}].writing": perEntry((table, ref, _entry, flags) => (table.accessFlags(ref) & flags.writing) !== 0),
  // GTF_transfer_completed shares its bit with GTF_reading: it means something only on an accept_transfer entry.
  "d{domid}.grant[{ref}].transferCompleted": perEntry(
    (_table, _ref, entry, flags) =>
      (entry.flags & flags.typeMask) === flags.types.accept_transfer && (entry.flags & flags.transferCompleted) !== 0,
  ),
  "d{domid}.grant[{ref}].pinned": perEntry((table, ref) => table.isPinned(ref)),
};

export const gnttabArea: XenArea = {
  name: GNTTAB,
  customParams: {
    gnttab: (machine, value) =>
      parseGnttab(value, gnttabOptions(machine), choices(machine), machine.pvBuilt, machine.spec.errno.EINVAL),
  },
  initOptions(machine) {
    // Without CONFIG_GRANT_TABLE, opt_gnttab_max_version is the constant 0 and there are no grant options at all.
    machine.options.set(
      GNTTAB,
      machine.kconfig("GRANT_TABLE")
        ? defaultOptions(choices(machine), machine.xen.arch!, machine.pvBuilt)
        : { maxVersion: 0, transitive: false, transfer: false },
    );
  },
  validateDomain(machine, config): Errno | undefined {
    const opts = grantOpts(machine, config);
    // grant_table_init()'s stub refuses any option when there is no grant table.
    if (!machine.kconfig("GRANT_TABLE")) return opts === 0n ? undefined : "EINVAL";
    if ((opts & ~VERSION_MASK) !== 0n) return "EINVAL";
    const version = Number(opts & VERSION_MASK);
    if (version === 0 || version > gnttabOptions(machine).maxVersion) return "EINVAL";
    return undefined;
  },
  initDomain(machine, domain, config) {
    if (machine.kconfig("GRANT_TABLE")) domain.attachGrantTable(new GrantTable(abi(machine), Number(grantOpts(machine, config) & VERSION_MASK)));
  },
  operations: gnttabOperations,
  stateReaders,
};
