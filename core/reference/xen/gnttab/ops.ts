/**
 * Grant-table operations of the reference core, read from xen-pv-abi-facts
 * G6–G11 and xen/common/grant_table.c (map_grant_ref(), acquire_grant_for_copy(),
 * gnttab_set_version(), gnttab_transfer()).
 */
import type {
  GnttabCopyArgs,
  GnttabGetStatusFramesArgs,
  GnttabGetVersionArgs,
  GnttabMapArgs,
  GnttabSetVersionArgs,
  GnttabTransferArgs,
  GnttabUnmapArgs,
  GrantStatus,
  GrantWriteArgs,
  CopyBuffer,
} from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import { errno, grantStatus, ok, type Observation } from "../../observe";
import type { XenDomain } from "../domain";
import type { XenMachine, XenOperations } from "../machine";
import { gnttabOptions } from "./area-state";
import type { ActiveEntry, GrantTable } from "./table";

const OKAY: GrantStatus = "GNTST_okay";

/** GNTTABOP_* exist only in builds with CONFIG_GRANT_TABLE: without it the hypercall is not in the table. */
function grantTableOp<A>(handler: (machine: XenMachine, args: A) => Observation): (machine: XenMachine, args: A) => Observation {
  return (machine, args) => (machine.kconfig("GRANT_TABLE") ? handler(machine, args) : errno("ENOSYS"));
}

function grantWrite(machine: XenMachine, args: GrantWriteArgs): Observation {
  const domain = machine.caller(args.dom);
  if (!domain.hasGrantTable || args.ref >= domain.gnttab.entryCount) return errno("EINVAL");
  const table = domain.gnttab;
  const flags = table.abi.entryFlags;
  let bits = flags.types[args.type];
  if (args.readonly) bits |= flags.readonly;
  let word1 = 0;
  let frame = args.frame === undefined ? 0n : parseHex(args.frame);
  if (args.subPage !== undefined) {
    bits |= flags.subPage;
    word1 = (args.subPage.offset & 0xffff) | ((args.subPage.length & 0xffff) << 16);
  }
  if (args.type === "transitive" && table.version === 2) {
    word1 = args.transDomid ?? 0;
    frame = BigInt(args.transRef ?? 0);
  }
  table.write(args.ref, { flags: bits, domid: args.grantee ?? 0, word1, frame });
  return ok();
}

interface Pins {
  hostRead: number;
  hostWrite: number;
  devRead: number;
  devWrite: number;
}

const noPins = (): Pins => ({ hostRead: 0, hostWrite: 0, devRead: 0, devWrite: 0 });
const totalPins = (pins: Pins): number => pins.hostRead + pins.hostWrite + pins.devRead + pins.devWrite;
const writePins = (pins: Pins): number => pins.hostWrite + pins.devWrite;

/** GNTPIN_incr2oflow_mask: a counter the increment touches already has its top bit set. */
function pinWouldOverflow(table: GrantTable, pins: Pins, increment: Pins): boolean {
  const full = 2 ** (table.abi.pinCounterWidth - 1);
  return (Object.keys(increment) as (keyof Pins)[]).some((kind) => increment[kind] > 0 && pins[kind] >= full);
}

/**
 * _set_status_v1()/_set_status_v2(): claims read (and, unless readonly, write)
 * access for `ldomid`. An unpinned entry must be permit_access for `ldomid`
 * (or, for copies under v2, transitive); mappings also refuse sub-page entries.
 */
function setStatus(table: GrantTable, ref: number, act: ActiveEntry | undefined, readonly: boolean, mapflag: boolean, ldomid: number): GrantStatus {
  const flags = table.abi.entryFlags;
  const entry = table.entry(ref);
  const mask = flags.typeMask | (mapflag ? flags.subPage : 0);
  const pinned = act !== undefined && totalPins(act) > 0;
  const kind = entry.flags & mask;
  const typeOk =
    kind === flags.types.permit_access || (table.version === 2 && !mapflag && kind === flags.types.transitive);
  if (!pinned && (!typeOk || entry.domid !== ldomid)) return "GNTST_general_error";
  if (!readonly && (entry.flags & flags.readonly) !== 0) return "GNTST_general_error";
  table.setAccessFlags(ref, readonly ? flags.reading : flags.reading | flags.writing);
  return OKAY;
}

/** reduce_status_for_pin(): drops the access bits the remaining pins do not need. */
function reduceStatus(table: GrantTable, ref: number, act: Pins): void {
  const flags = table.abi.entryFlags;
  let clear = totalPins(act) > 0 ? 0 : flags.reading;
  if (writePins(act) === 0) clear |= flags.writing;
  if (clear !== 0) table.clearAccessFlags(ref, clear);
}

function mapGrantRef(machine: XenMachine, args: GnttabMapArgs): Observation {
  const mapper = machine.caller(args.dom);
  const names = new Set(args.flags ?? ["host_map"]);
  const readonly = names.has("readonly");
  const increment = noPins();
  if (names.has("device_map")) increment[readonly ? "devRead" : "devWrite"] = 1;
  if (names.has("host_map")) increment[readonly ? "hostRead" : "hostWrite"] = 1;
  if (totalPins(increment) === 0) return grantStatus("GNTST_bad_gntref");
  if (!mapper.isPv && (names.has("device_map") || names.has("application_map") || names.has("contains_pte"))) {
    return grantStatus("GNTST_general_error");
  }
  const granter = machine.domains.get(args.granter);
  if (granter === undefined) return grantStatus("GNTST_bad_domain");
  const maptrack = mapper.gnttab;
  // map_grant_ref() takes its handle before looking at the entry; on failure the handle goes back to the tail.
  const handle = maptrack.takeHandle();
  if (handle === undefined) return grantStatus("GNTST_no_space");
  const status = pinForMap(granter.gnttab, granter, mapper, args.ref, readonly, increment);
  if (status !== OKAY) {
    maptrack.releaseHandle(handle);
    return grantStatus(status);
  }
  maptrack.maptrack.set(handle, {
    granter: granter.domid,
    ref: args.ref,
    host: names.has("host_map"),
    device: names.has("device_map"),
    readonly,
  });
  return grantStatus(OKAY, { handle });
}

/** The entry checks of map_grant_ref(): pins entry `ref` of `granter` for `mapper`, or says why not. */
function pinForMap(table: GrantTable, granter: XenDomain, mapper: XenDomain, ref: number, readonly: boolean, increment: Pins): GrantStatus {
  if (ref >= table.entryCount) return "GNTST_bad_gntref";
  const existing = table.active.get(ref);
  const pinned = existing !== undefined && totalPins(existing) > 0;
  if (pinned && (existing.domid !== mapper.domid || pinWouldOverflow(table, existing, increment) || existing.isSubPage)) {
    return "GNTST_general_error";
  }
  if (!pinned || (!readonly && writePins(existing) === 0)) {
    const status = setStatus(table, ref, existing, readonly, true, mapper.domid);
    if (status !== OKAY) return status;
  }
  const act: ActiveEntry = pinned ? existing : { ...noPins(), domid: mapper.domid, frame: table.entry(ref).frame, isSubPage: false };
  if (!pinned && !granter.owns(act.frame)) {
    reduceStatus(table, ref, act);
    return "GNTST_bad_page";
  }
  act.hostRead += increment.hostRead;
  act.hostWrite += increment.hostWrite;
  act.devRead += increment.devRead;
  act.devWrite += increment.devWrite;
  table.active.set(ref, act);
  return OKAY;
}

function unmapGrantRef(machine: XenMachine, args: GnttabUnmapArgs): Observation {
  const mapper = machine.caller(args.dom);
  const mapping = mapper.gnttab.maptrack.get(args.handle);
  if (mapping === undefined) return grantStatus("GNTST_bad_handle");
  const granter = machine.domains.get(mapping.granter);
  if (granter === undefined) return grantStatus("GNTST_bad_domain");
  const table = granter.gnttab;
  const act = table.active.get(mapping.ref);
  if (act !== undefined) {
    if (mapping.host) act[mapping.readonly ? "hostRead" : "hostWrite"] -= 1;
    if (mapping.device) act[mapping.readonly ? "devRead" : "devWrite"] -= 1;
    reduceStatus(table, mapping.ref, act);
    if (totalPins(act) === 0) table.active.delete(mapping.ref);
  }
  mapper.gnttab.releaseHandle(args.handle);
  return grantStatus(OKAY);
}

/** A buffer claimed for a copy: where its bytes live and which part of the page may be touched. */
interface ClaimedBuffer {
  owner: XenDomain;
  frame: bigint;
  offset: number;
  length: number;
  release(): void;
}

type Claim = { status: GrantStatus } | { buffer: ClaimedBuffer };

/**
 * acquire_grant_for_copy(): takes a grant of `rd` for `ldomid`, following one
 * level of transitivity when allowed (G9). The pin is released after the copy.
 */
function acquireForCopy(
  machine: XenMachine,
  rd: XenDomain,
  ref: number,
  ldomid: number,
  readonly: boolean,
  allowTransitive: boolean,
): Claim {
  const table = rd.gnttab;
  if (ref >= table.entryCount) return { status: "GNTST_bad_gntref" };
  const flags = table.abi.entryFlags;
  const existing = table.active.get(ref);
  const pinned = existing !== undefined && totalPins(existing) > 0;
  const increment = noPins();
  increment[readonly ? "hostRead" : "hostWrite"] = 1;
  if (pinned && (existing.domid !== ldomid || pinWouldOverflow(table, existing, increment))) {
    return { status: "GNTST_general_error" };
  }
  const needsStatus = !pinned || (!readonly && writePins(existing) === 0);
  const entry = table.entry(ref);

  if (table.version === 2 && (entry.flags & flags.typeMask) === flags.types.transitive) {
    if (needsStatus) {
      const status = setStatus(table, ref, existing, readonly, false, ldomid);
      if (status !== OKAY) return { status };
    }
    const undo = (): void => reduceStatus(table, ref, existing ?? noPins());
    if (!allowTransitive) {
      undo();
      return { status: "GNTST_general_error" };
    }
    const transDomid = entry.word1 & 0xffff;
    const transRef = Number(entry.frame & 0xffffffffn);
    if (transDomid === rd.domid) {
      undo();
      return { status: "GNTST_general_error" };
    }
    const td = machine.domains.get(transDomid);
    if (td === undefined) {
      undo();
      return { status: "GNTST_general_error" };
    }
    const inner = acquireForCopy(machine, td, transRef, rd.domid, readonly, false);
    if ("status" in inner) {
      undo();
      return inner;
    }
    return {
      buffer: {
        ...inner.buffer,
        release: () => {
          inner.buffer.release();
          undo();
        },
      },
    };
  }

  if (needsStatus) {
    const status = setStatus(table, ref, existing, readonly, false, ldomid);
    if (status !== OKAY) return { status };
  }
  const subPage = table.version === 2 && (entry.flags & flags.subPage) !== 0;
  const frame = pinned ? existing.frame : entry.frame;
  const pins: Pins = existing ?? noPins();
  if (!pinned && !rd.owns(frame)) {
    reduceStatus(table, ref, pins);
    return { status: "GNTST_bad_page" };
  }
  return {
    buffer: {
      owner: rd,
      frame,
      offset: subPage ? entry.word1 & 0xffff : 0,
      length: subPage ? (entry.word1 >>> 16) & 0xffff : table.abi.pageSize,
      release: () => reduceStatus(table, ref, pins),
    },
  };
}

function claimBuffer(machine: XenMachine, caller: XenDomain, side: CopyBuffer, readonly: boolean): Claim {
  const domain = machine.lookup(side.domid, caller);
  if (domain === undefined) return { status: "GNTST_bad_domain" };
  if (side.ref !== undefined) {
    return acquireForCopy(machine, domain, side.ref, caller.domid, readonly, gnttabOptions(machine).transitive);
  }
  const frame = parseHex(side.frame ?? "0x0");
  if (!domain.owns(frame)) return { status: "GNTST_bad_page" };
  return { buffer: { owner: domain, frame, offset: 0, length: domain.gnttab.abi.pageSize, release: () => undefined } };
}

function copy(machine: XenMachine, args: GnttabCopyArgs): Observation {
  if (args.len === 0) return grantStatus(OKAY);
  const caller = machine.caller(args.dom);
  for (const side of [args.source, args.dest]) {
    if (side.ref === undefined && side.domid !== "self" && side.domid !== machine.domidSelf) {
      return grantStatus("GNTST_permission_denied");
    }
    if (machine.lookup(side.domid, caller) === undefined) return grantStatus("GNTST_bad_domain");
  }
  const source = claimBuffer(machine, caller, args.source, true);
  if ("status" in source) return grantStatus(source.status);
  const dest = claimBuffer(machine, caller, args.dest, false);
  if ("status" in dest) {
    source.buffer.release();
    return grantStatus(dest.status);
  }
  const status = copyBytes(args, source.buffer, dest.buffer);
  source.buffer.release();
  dest.buffer.release();
  return grantStatus(status);
}

/** gnttab_copy_buf(): page bounds first (bad_copy_arg), then the granted range (general_error). */
function copyBytes(args: GnttabCopyArgs, source: ClaimedBuffer, dest: ClaimedBuffer): GrantStatus {
  const pageSize = source.owner.gnttab.abi.pageSize;
  const sourceOffset = args.source.offset ?? 0;
  const destOffset = args.dest.offset ?? 0;
  if (sourceOffset + args.len > pageSize || destOffset + args.len > pageSize) return "GNTST_bad_copy_arg";
  if (sourceOffset < source.offset || sourceOffset + args.len > source.offset + source.length) return "GNTST_general_error";
  if (destOffset < dest.offset || destOffset + args.len > dest.offset + dest.length) return "GNTST_general_error";
  const bytes = source.owner.page(source.frame, pageSize).slice(sourceOffset, sourceOffset + args.len);
  dest.owner.page(dest.frame, pageSize).set(bytes, destOffset);
  return OKAY;
}

/** gnttab_set_version() (G7): every exit writes the version in force back. */
function setVersion(machine: XenMachine, args: GnttabSetVersionArgs): Observation {
  const table = machine.caller(args.dom).gnttab;
  const done = (result: "ok" | "EINVAL" | "ENOSYS" | "EBUSY" | "ERANGE"): Observation =>
    result === "ok" ? ok({ version: table.version }) : errno(result, { version: table.version });
  if (args.version !== 1 && args.version !== 2) return done("EINVAL");
  if (args.version === 2 && table.maxVersion === 1) return done("ENOSYS");
  if (table.version === args.version) return done("ok");
  for (let ref = table.abi.reservedEntries; ref < table.entryCount; ref++) {
    if (table.isPinned(ref)) return done("EBUSY");
  }
  if (table.version === 2) {
    const flags = table.abi.entryFlags;
    for (let ref = 0; ref < table.abi.reservedEntries; ref++) {
      const entry = table.entry(ref);
      const type = entry.flags & flags.typeMask;
      if (type === flags.types.transitive) return done("ERANGE");
      if (type === flags.types.permit_access && entry.frame >> 32n !== 0n) return done("ERANGE");
    }
  }
  table.switchVersion(args.version);
  return done("ok");
}

/** XSM_TARGET in the dummy policy: a domain may act on itself; a privileged domain on any. */
function xsmTarget(caller: XenDomain, target: XenDomain): boolean {
  return caller.domid === target.domid || caller.privileged;
}

function getVersion(machine: XenMachine, args: GnttabGetVersionArgs): Observation {
  const caller = machine.caller(args.dom);
  const target = machine.lookup(args.target, caller);
  if (target === undefined) return errno("ESRCH");
  if (!xsmTarget(caller, target)) return errno("EPERM");
  return ok({ version: target.gnttab.version });
}

function getStatusFrames(machine: XenMachine, args: GnttabGetStatusFramesArgs): Observation {
  if (args.count !== 1) return errno("EINVAL");
  const caller = machine.caller(args.dom);
  const target = machine.lookup(args.target, caller);
  if (target === undefined) return grantStatus("GNTST_bad_domain");
  if (!xsmTarget(caller, target)) return grantStatus("GNTST_permission_denied");
  if (args.nrFrames > target.gnttab.statusFrames) return grantStatus("GNTST_general_error");
  return grantStatus(OKAY, { frames: args.nrFrames });
}

/** Whether any domain's active entry holds `frame` pinned (a grant mapping keeps a page reference). */
function mappedThroughGrant(machine: XenMachine, frame: bigint): boolean {
  for (const domain of machine.domains.values()) {
    for (const active of domain.hasGrantTable ? domain.gnttab.active.values() : []) if (active.frame === frame && totalPins(active) > 0) return true;
  }
  return false;
}

/** gnttab_transfer() (G11): refused outright when transfers are off; otherwise per-op statuses. */
function transfer(machine: XenMachine, args: GnttabTransferArgs): Observation {
  if (!gnttabOptions(machine).transfer) return errno("EOPNOTSUPP");
  const caller = machine.caller(args.dom);
  const frame = parseHex(args.frame);
  if (!caller.owns(frame)) return grantStatus("GNTST_bad_page");
  // steal_page() refuses a translated (HVM) guest's pages (-EOPNOTSUPP), and pages with extra
  // references, such as a frame still mapped through a grant (-EINVAL): the caller keeps the frame.
  if (!caller.isPv) return grantStatus("GNTST_general_error");
  if (mappedThroughGrant(machine, frame)) return grantStatus("GNTST_bad_page");
  // The frame is stolen before the target is checked: on any later failure Xen frees it, so the caller loses it.
  const target = machine.domains.get(args.target);
  const table = target?.gnttab;
  const flags = caller.gnttab.abi.entryFlags;
  const entry = table !== undefined && args.ref < table.entryCount ? table.entry(args.ref) : undefined;
  // gnttab_prepare_for_transfer() compares the whole flags word: no readonly or earlier transfer bits.
  const accepts = entry !== undefined && entry.flags === flags.types.accept_transfer && entry.domid === caller.domid;
  if (target === undefined || entry === undefined || !accepts) {
    caller.loseFrame(frame);
    return grantStatus(target === undefined ? "GNTST_bad_domain" : "GNTST_general_error");
  }
  caller.giveFrame(frame, target);
  entry.flags |= flags.transferCommitted;
  if (target.isPv) entry.frame = frame;
  entry.flags |= flags.transferCompleted;
  return grantStatus(OKAY);
}

/** XEN_SYSCTL_physinfo's grant-table capabilities follow the host maximum (G6). */
function physinfo(machine: XenMachine): Observation {
  const { maxVersion } = gnttabOptions(machine);
  return ok({ "cap.gnttab_v1": maxVersion >= 1, "cap.gnttab_v2": maxVersion >= 2 });
}

export const gnttabOperations: XenOperations = {
  physinfo,
  grant_write: grantWrite,
  gnttab_map_grant_ref: grantTableOp(mapGrantRef),
  gnttab_unmap_grant_ref: grantTableOp(unmapGrantRef),
  gnttab_copy: grantTableOp(copy),
  gnttab_set_version: grantTableOp(setVersion),
  gnttab_get_version: grantTableOp(getVersion),
  gnttab_get_status_frames: grantTableOp(getStatusFrames),
  gnttab_transfer: grantTableOp(transfer),
};
