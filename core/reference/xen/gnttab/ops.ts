/**
 * Grant-table operations of the reference core, read from xen-pv-abi-facts
 * G6–G11 and xen/common/grant_table.c (map_grant_ref(), acquire_grant_for_copy(),
 * gnttab_set_version(), gnttab_transfer()).
 */
import type {
  CopyBuffer,
  GnttabCopyArgs,
  GnttabGetStatusFramesArgs,
  GnttabGetVersionArgs,
  GnttabMapArgs,
  GnttabSetVersionArgs,
  GnttabTransferArgs,
  GnttabUnmapArgs,
  GrantStatus,
  GrantWriteArgs,
  Result,
} from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import { errno, grantStatus, ok, type Observation } from "../../observe";
import type { XenDomain } from "../domain";
import type { XenMachine, XenOperations } from "../machine";
import { gnttabChoices, gnttabOptions } from "./area-state";
import { totalPins, writePins, type ActiveEntry, type GrantTable } from "./table";

const OKAY: GrantStatus = "GNTST_okay";

/** GNTTABOP_* exist only in builds with CONFIG_GRANT_TABLE: without it the hypercall is not in the table. */
function grantTableOp<A>(handler: (machine: XenMachine, args: A) => Observation): (machine: XenMachine, args: A) => Observation {
  return (machine, args) => (machine.kconfig("GRANT_TABLE") ? handler(machine, args) : errno("ENOSYS"));
}

function grantWrite(machine: XenMachine, args: GrantWriteArgs): Observation {
  const domain = machine.caller(args.dom);
  if (!domain.hasGrantTable || !domain.gnttab.holds(args.ref)) return errno("EINVAL");
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
  // Only the v2 layout has transitive fields; a v1 entry of type 3 keeps its plain frame.
  if (args.type === "transitive" && table.version === 2) {
    word1 = args.transDomid ?? 0;
    frame = BigInt(args.transRef ?? 0);
  }
  table.write(args.ref, { flags: bits, domid: args.grantee ?? 0, word1, frame });
  return ok();
}

type PinCounts = Pick<ActiveEntry, "hostRead" | "hostWrite" | "devRead" | "devWrite">;

const noPins = (): PinCounts => ({ hostRead: 0, hostWrite: 0, devRead: 0, devWrite: 0 });

/** The pin count a mapping (or a copy) adds: host and/or device, read-only or writable. */
function pinIncrement(host: boolean, device: boolean, readonly: boolean): PinCounts {
  const pins = noPins();
  if (device) pins[readonly ? "devRead" : "devWrite"] = 1;
  if (host) pins[readonly ? "hostRead" : "hostWrite"] = 1;
  return pins;
}

/** GNTPIN_incr2oflow_mask: a counter the increment touches already has its top bit set. */
function pinWouldOverflow(table: GrantTable, pins: PinCounts, increment: PinCounts): boolean {
  const full = 2 ** (table.abi.pinCounterWidth - 1);
  return (Object.keys(increment) as (keyof PinCounts)[]).some((kind) => increment[kind] > 0 && pins[kind] >= full);
}

function addPins(act: ActiveEntry, pins: PinCounts, sign: 1 | -1): void {
  act.hostRead += sign * pins.hostRead;
  act.hostWrite += sign * pins.hostWrite;
  act.devRead += sign * pins.devRead;
  act.devWrite += sign * pins.devWrite;
}

/**
 * _set_status_v1()/_set_status_v2(): claims read (and, unless readonly, write)
 * access for `ldomid`. An unpinned entry must be permit_access for `ldomid`
 * (or, for copies under v2, transitive); mappings also refuse sub-page entries.
 * A pinned entry skips the type and grantee check but not the read-only one.
 */
function setStatus(table: GrantTable, ref: number, pinned: boolean, readonly: boolean, mapflag: boolean, ldomid: number): GrantStatus {
  const flags = table.abi.entryFlags;
  const entry = table.entry(ref);
  const kind = entry.flags & (flags.typeMask | (mapflag ? flags.subPage : 0));
  const typeOk =
    kind === flags.types.permit_access || (table.version === 2 && !mapflag && kind === flags.types.transitive);
  if (!pinned && (!typeOk || entry.domid !== ldomid)) return "GNTST_general_error";
  if (!readonly && (entry.flags & flags.readonly) !== 0) return "GNTST_general_error";
  table.setAccessFlags(ref, readonly ? flags.reading : flags.reading | flags.writing);
  return OKAY;
}

/** reduce_status_for_pin(): drops the access bits the remaining pins do not need. */
function reduceStatus(table: GrantTable, ref: number, pins: PinCounts): void {
  const flags = table.abi.entryFlags;
  const keepReading = totalPins(pins as ActiveEntry) > 0;
  const keepWriting = writePins(pins as ActiveEntry) > 0;
  table.clearAccessFlags(ref, (keepReading ? 0 : flags.reading) | (keepWriting ? 0 : flags.writing));
}

function mapGrantRef(machine: XenMachine, args: GnttabMapArgs): Observation {
  const mapper = machine.caller(args.dom);
  const names = new Set(args.flags);
  const readonly = names.has("readonly");
  const increment = pinIncrement(names.has("host_map"), names.has("device_map"), readonly);
  if (totalPins(increment as ActiveEntry) === 0) return grantStatus("GNTST_bad_gntref");
  if (!mapper.isPv && (names.has("device_map") || names.has("application_map") || names.has("contains_pte"))) {
    return grantStatus("GNTST_general_error");
  }
  const granter = machine.domains.get(args.granter);
  if (granter === undefined) return grantStatus("GNTST_bad_domain");
  const maptrack = mapper.gnttab;
  // map_grant_ref() takes its handle before looking at the entry; on failure the handle goes back to the tail.
  const handle = maptrack.takeHandle();
  if (handle === undefined) return grantStatus("GNTST_no_space");
  const active = pinForMap(granter, mapper, args.ref, readonly, increment);
  if (typeof active === "string") {
    maptrack.releaseHandle(handle);
    return grantStatus(active);
  }
  maptrack.maptrack.set(handle, { granter, ref: args.ref, active, host: names.has("host_map"), device: names.has("device_map"), readonly });
  return grantStatus(OKAY, { handle });
}

/** The entry checks of map_grant_ref(): pins entry `ref` of `granter` for `mapper`, or says why not. */
function pinForMap(granter: XenDomain, mapper: XenDomain, ref: number, readonly: boolean, increment: PinCounts): ActiveEntry | GrantStatus {
  const table = granter.gnttab;
  if (!table.holds(ref)) return "GNTST_bad_gntref";
  const existing = table.active.get(ref);
  if (existing !== undefined && (existing.domid !== mapper.domid || pinWouldOverflow(table, existing, increment))) {
    return "GNTST_general_error";
  }
  if (existing === undefined || (!readonly && writePins(existing) === 0)) {
    const status = setStatus(table, ref, existing !== undefined, readonly, true, mapper.domid);
    if (status !== OKAY) return status;
  }
  let active = existing;
  if (active === undefined) {
    const frame = table.entry(ref).frame;
    if (!granter.owns(frame)) {
      reduceStatus(table, ref, noPins());
      return "GNTST_bad_page";
    }
    active = { ...noPins(), domid: mapper.domid, frame };
    table.active.set(ref, active);
  }
  addPins(active, increment, 1);
  return active;
}

function unmapGrantRef(machine: XenMachine, args: GnttabUnmapArgs): Observation {
  const mapper = machine.caller(args.dom);
  const mapping = mapper.gnttab.maptrack.get(args.handle);
  if (mapping === undefined) return grantStatus("GNTST_bad_handle");
  const table = mapping.granter.gnttab;
  addPins(mapping.active, pinIncrement(mapping.host, mapping.device, mapping.readonly), -1);
  reduceStatus(table, mapping.ref, mapping.active);
  if (totalPins(mapping.active) === 0) table.active.delete(mapping.ref);
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
 * level of transitivity when allowed (G9). The claim is released after the copy.
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
  if (!table.holds(ref)) return { status: "GNTST_bad_gntref" };
  const flags = table.abi.entryFlags;
  const existing = table.active.get(ref);
  if (existing !== undefined && (existing.domid !== ldomid || pinWouldOverflow(table, existing, pinIncrement(true, false, readonly)))) {
    return { status: "GNTST_general_error" };
  }
  const pins: PinCounts = existing ?? noPins();
  const release = (): void => reduceStatus(table, ref, pins);
  if (existing === undefined || (!readonly && writePins(existing) === 0)) {
    const status = setStatus(table, ref, existing !== undefined, readonly, false, ldomid);
    if (status !== OKAY) return { status };
  }
  const entry = table.entry(ref);

  if (table.version === 2 && (entry.flags & flags.typeMask) === flags.types.transitive) {
    const transDomid = entry.word1 & 0xffff;
    const transRef = Number(entry.frame & 0xffffffffn);
    const td = machine.domains.get(transDomid);
    // Transitivity switched off, a self-reference, or a missing target: all GNTST_general_error (G9).
    if (!allowTransitive || transDomid === rd.domid || td === undefined) {
      release();
      return { status: "GNTST_general_error" };
    }
    const inner = acquireForCopy(machine, td, transRef, rd.domid, readonly, false);
    if ("status" in inner) release();
    else {
      const releaseInner = inner.buffer.release;
      inner.buffer.release = () => {
        releaseInner();
        release();
      };
    }
    return inner;
  }

  const frame = existing?.frame ?? entry.frame;
  if (!rd.owns(frame)) {
    release();
    return { status: "GNTST_bad_page" };
  }
  const subPage = table.version === 2 && (entry.flags & flags.subPage) !== 0;
  return {
    buffer: {
      owner: rd,
      frame,
      offset: subPage ? entry.word1 & 0xffff : 0,
      length: subPage ? entry.word1 >>> 16 : machine.pageSize,
      release,
    },
  };
}

/** A copy side, with its domain already looked up (DOMID_SELF resolved). */
interface CopySide {
  spec: CopyBuffer;
  domain: XenDomain;
}

function claimBuffer(machine: XenMachine, caller: XenDomain, side: CopySide, readonly: boolean): Claim {
  if (side.spec.ref !== undefined) {
    return acquireForCopy(machine, side.domain, side.spec.ref, caller.domid, readonly, gnttabOptions(machine).transitive);
  }
  // The schema requires `frame` whenever `ref` is absent.
  const frame = parseHex(side.spec.frame!);
  if (!side.domain.owns(frame)) return { status: "GNTST_bad_page" };
  return { buffer: { owner: side.domain, frame, offset: 0, length: machine.pageSize, release: () => undefined } };
}

/** gnttab_copy_lock_domain(): only DOMID_SELF may name a frame; the domain must exist. */
function lockSide(machine: XenMachine, caller: XenDomain, spec: CopyBuffer): CopySide | GrantStatus {
  if (spec.ref === undefined && spec.domid !== "self" && spec.domid !== machine.domidSelf) return "GNTST_permission_denied";
  const domain = machine.lookup(spec.domid, caller);
  return domain === undefined ? "GNTST_bad_domain" : { spec, domain };
}

function copy(machine: XenMachine, args: GnttabCopyArgs): Observation {
  // Since Xen 4.19 gnttab_copy_one() returns at once for zero bytes; before, the copy is checked like any other (gnttab choice).
  if (args.len === 0 && gnttabChoices(machine).zeroLengthCopy === "ignored") return grantStatus(OKAY);
  const caller = machine.caller(args.dom);
  const sourceSide = lockSide(machine, caller, args.source);
  if (typeof sourceSide === "string") return grantStatus(sourceSide);
  const destSide = lockSide(machine, caller, args.dest);
  if (typeof destSide === "string") return grantStatus(destSide);
  const source = claimBuffer(machine, caller, sourceSide, true);
  if ("status" in source) return grantStatus(source.status);
  const dest = claimBuffer(machine, caller, destSide, false);
  if ("status" in dest) {
    source.buffer.release();
    return grantStatus(dest.status);
  }
  const status = copyBytes(machine, args, source.buffer, dest.buffer);
  source.buffer.release();
  dest.buffer.release();
  return grantStatus(status);
}

/** Whether [offset, offset + len) lies inside a buffer's granted range. */
const inside = (buffer: ClaimedBuffer, offset: number, len: number): boolean =>
  offset >= buffer.offset && offset + len <= buffer.offset + buffer.length;

/** gnttab_copy_buf(): page bounds first (bad_copy_arg), then the granted ranges (general_error). */
function copyBytes(machine: XenMachine, args: GnttabCopyArgs, source: ClaimedBuffer, dest: ClaimedBuffer): GrantStatus {
  const { pageSize } = machine;
  const sourceOffset = args.source.offset ?? 0;
  const destOffset = args.dest.offset ?? 0;
  if (sourceOffset + args.len > pageSize || destOffset + args.len > pageSize) return "GNTST_bad_copy_arg";
  if (!inside(source, sourceOffset, args.len) || !inside(dest, destOffset, args.len)) return "GNTST_general_error";
  const bytes = source.owner.page(source.frame, pageSize).slice(sourceOffset, sourceOffset + args.len);
  dest.owner.page(dest.frame, pageSize).set(bytes, destOffset);
  return OKAY;
}

/** gnttab_set_version() (G7): every exit writes the version in force back. */
function setVersion(machine: XenMachine, args: GnttabSetVersionArgs): Observation {
  const table = machine.caller(args.dom).gnttab;
  const done = (result: Result): Observation => ({ result, returns: { version: table.version } });
  if (args.version !== 1 && args.version !== 2) return done("EINVAL");
  if (args.version === 2 && table.maxVersion === 1) return done("ENOSYS");
  if (table.version === args.version) return done("ok");
  for (const ref of table.active.keys()) {
    if (ref >= table.abi.reservedEntries) return done("EBUSY");
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

/** Whether any domain's active entry holds `frame` (a grant mapping keeps a page reference). */
function mappedThroughGrant(machine: XenMachine, frame: bigint): boolean {
  for (const domain of machine.domains.values()) {
    for (const active of domain.gnttab.active.values()) if (active.frame === frame) return true;
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
  if (target === undefined) {
    caller.loseFrame(frame);
    return grantStatus("GNTST_bad_domain");
  }
  const table = target.gnttab;
  const flags = table.abi.entryFlags;
  const entry = table.holds(args.ref) ? table.entry(args.ref) : undefined;
  // gnttab_prepare_for_transfer() compares the whole flags word: no readonly or earlier transfer bits.
  if (entry === undefined || entry.flags !== flags.types.accept_transfer || entry.domid !== caller.domid) {
    caller.loseFrame(frame);
    return grantStatus("GNTST_general_error");
  }
  caller.giveFrame(frame, target);
  // A translated (HVM) target gets the frame at the gfn its entry names; a PV target learns the frame number.
  if (target.isPv) entry.frame = frame;
  entry.flags |= flags.transferCommitted | flags.transferCompleted;
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
