/** The grant-table area plugged into the Xen machine. */
import type { DomainConfig, Errno, GnttabAbi, GnttabChoices } from "../../../../spec/types/generated";
import { profileChoices } from "../../../../spec";
import { parseHex, toHex } from "../../../hex";
import { found, type StateRead } from "../../observe";
import type { XenArea, XenMachine } from "../machine";
import { GNTTAB, gnttabOptions } from "./area-state";
import { gnttabOperations } from "./ops";
import { defaultOptions, parseGnttab } from "./options";
import { GrantTable } from "./table";

const VERSION_MASK = 0xfn;

const abi = (machine: XenMachine): GnttabAbi => machine.spec.data<GnttabAbi>("areas/gnttab/abi.json");
const choices = (machine: XenMachine): GnttabChoices =>
  profileChoices<GnttabChoices>(machine.spec, "gnttab", machine.profile);

/** libxl's max_grant_version default: the highest version the host offers (G6). */
function toolstackDefaultVersion(machine: XenMachine): number {
  return gnttabOptions(machine).maxVersion;
}

/** The raw grant_opts a domain is created with. */
function grantOpts(machine: XenMachine, config: DomainConfig): bigint {
  if (config.grantOpts !== undefined) return parseHex(config.grantOpts);
  return BigInt(config.maxGrantVersion ?? toolstackDefaultVersion(machine));
}

const TYPE_NAMES = ["invalid", "permit_access", "accept_transfer", "transitive"] as const;

const OPTION_KEY = /^xen\.gnttab\.(maxVersion|transitive|transfer)$/;
const DOMAIN_KEY = /^d([0-9]+)\.gnttab\.(version|maxVersion|statusFrames)$/;
const ENTRY_KEY = /^d([0-9]+)\.grant\[([0-9]+)\]\.(type|grantee|frame|reading|writing|transferCompleted|pinned)$/;

function readState(machine: XenMachine, key: string): StateRead {
  const option = OPTION_KEY.exec(key);
  if (option) return found(gnttabOptions(machine)[option[1] as "maxVersion" | "transitive" | "transfer"]);

  const perDomain = DOMAIN_KEY.exec(key);
  if (perDomain) {
    const domain = machine.domains.get(Number(perDomain[1]));
    if (domain === undefined || !domain.hasGrantTable) return found(null);
    const table = domain.gnttab;
    const field = perDomain[2];
    return found(field === "version" ? table.version : field === "maxVersion" ? table.maxVersion : table.statusFrames);
  }

  const perEntry = ENTRY_KEY.exec(key);
  if (perEntry) {
    const domain = machine.domains.get(Number(perEntry[1]));
    const ref = Number(perEntry[2]);
    if (domain === undefined || !domain.hasGrantTable || ref >= domain.gnttab.entryCount) return found(null);
    const table = domain.gnttab;
    const entry = table.entry(ref);
    const flags = table.abi.entryFlags;
    switch (perEntry[3]) {
      case "type":
        return found(TYPE_NAMES[entry.flags & flags.typeMask] ?? null);
      case "grantee":
        return found(entry.domid);
      case "frame":
        return found(toHex(entry.frame));
      case "reading":
        return found((table.accessFlags(ref) & flags.reading) !== 0);
      case "writing":
        return found((table.accessFlags(ref) & flags.writing) !== 0);
      case "transferCompleted":
        return found((entry.flags & flags.typeMask) === flags.types.accept_transfer && (entry.flags & flags.transferCompleted) !== 0);
      default:
        return found(table.isPinned(ref));
    }
  }
  return undefined;
}

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
        ? defaultOptions(choices(machine), machine.xen.arch ?? "x86_64", machine.pvBuilt)
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
  readState,
};
