/**
 * One domain's grant table: the shared entries the guest writes, the v2
 * status words, the active (pinned) entries, and the maptrack of mappings
 * this domain made of other domains' grants.
 */
import type { GnttabAbi } from "../../../../spec/types/generated";

/**
 * A shared entry in raw form. v1: `frame` is the 32-bit frame. v2: `word1` is
 * bytes 4..7 of the entry (sub_page page_off|length<<16, or transitive
 * trans_domid) and `frame` bytes 8..15 (full_page/sub_page frame, or transitive
 * gref in its low 32 bits): the layouts overlap as the C union does.
 */
export interface SharedEntry {
  flags: number;
  domid: number;
  word1: number;
  frame: bigint;
}

/** An entry in use: how many host and device mappings pin it, for whom, and the frame they reached. */
export interface ActiveEntry {
  hostRead: number;
  hostWrite: number;
  devRead: number;
  devWrite: number;
  /** The domain the entry is pinned for. */
  domid: number;
  frame: bigint;
}

/**
 * What a mapping needs of the domain whose grant it maps: that domain's table
 * (where the pin lives) and the frames it owns. Declared here, not taken from
 * the domain model, because the domain holds its grant table: the table must
 * not depend on the domain in turn.
 */
export interface GrantingDomain {
  readonly gnttab: GrantTable;
  owns(frame: bigint): boolean;
}

export interface Mapping {
  granter: GrantingDomain;
  ref: number;
  /** The active entry this mapping pins (it stays in the granter's table while any pin remains). */
  active: ActiveEntry;
  host: boolean;
  device: boolean;
  readonly: boolean;
}

const emptyEntry = (): SharedEntry => ({ flags: 0, domid: 0, word1: 0, frame: 0n });

export const totalPins = (act: ActiveEntry): number => act.hostRead + act.hostWrite + act.devRead + act.devWrite;
export const writePins = (act: ActiveEntry): number => act.hostWrite + act.devWrite;

export class GrantTable {
  version: 1 | 2 = 1;
  readonly maxVersion: number;
  readonly abi: GnttabAbi;
  /** Entries the guest has written; every other entry reads as zero (sparse: tables are mostly empty). */
  private shared = new Map<number, SharedEntry>();
  /** v2 status words (GTF_reading/GTF_writing), one per entry; unused under v1, where the bits live in the entries. */
  private status = new Uint16Array(0);
  statusFrames = 0;
  /** Entries with at least one pin; an entry leaves this map when its last pin goes. */
  readonly active = new Map<number, ActiveEntry>();
  /** Mappings this domain made, by handle. */
  readonly maptrack = new Map<number, Mapping>();
  /** Free handles in the order they are handed out; the last one always stays (see takeHandle). */
  private freeHandles: number[] = [];
  /** Handles below this exist (whole pages of them). */
  private handleLimit = 0;

  constructor(abi: GnttabAbi, maxVersion: number) {
    this.abi = abi;
    this.maxVersion = maxVersion;
  }

  /** nr_grant_entries(): entries in the current layout. */
  get entryCount(): number {
    const perFrame = this.version === 1 ? this.abi.entriesPerFrame.v1 : this.abi.entriesPerFrame.v2;
    return perFrame * this.abi.initialFrames;
  }

  /** Whether `ref` names an entry of the current layout. */
  holds(ref: number): boolean {
    return ref < this.entryCount;
  }

  /** The entry `ref`, which callers have checked with {@link holds}. */
  entry(ref: number): SharedEntry {
    let entry = this.shared.get(ref);
    if (entry === undefined) {
      entry = emptyEntry();
      this.shared.set(ref, entry);
    }
    return entry;
  }

  write(ref: number, entry: SharedEntry): void {
    const frameMask = this.version === 1 ? (1n << BigInt(this.abi.v1FrameBits)) - 1n : (1n << 64n) - 1n;
    this.shared.set(ref, { flags: entry.flags & 0xffff, domid: entry.domid & 0xffff, word1: entry.word1 >>> 0, frame: entry.frame & frameMask });
  }

  /** The GTF_reading/GTF_writing bits: in the entry for v1, in the status frame for v2. */
  accessFlags(ref: number): number {
    const mask = this.abi.entryFlags.reading | this.abi.entryFlags.writing;
    return (this.version === 1 ? this.entry(ref).flags : this.status[ref]!) & mask;
  }

  setAccessFlags(ref: number, bits: number): void {
    if (this.version === 1) this.entry(ref).flags |= bits;
    else this.status[ref]! |= bits;
  }

  clearAccessFlags(ref: number, bits: number): void {
    if (this.version === 1) this.entry(ref).flags &= ~bits;
    else this.status[ref]! &= ~bits;
  }

  isPinned(ref: number): boolean {
    return this.active.has(ref);
  }

  /**
   * get_maptrack_handle() for a guest with one vCPU: the free list always keeps
   * its last entry, so once it is down to one a new page is added, whose first
   * handle is handed out and the rest queued in front. Undefined when the
   * domain has used every page it may have (GNTST_no_space).
   */
  takeHandle(): number | undefined {
    if (this.freeHandles.length >= 2) return this.freeHandles.shift();
    const { handlesPerPage, maxPages } = this.abi.maptrack;
    if (this.handleLimit >= handlesPerPage * maxPages) return undefined;
    const first = this.handleLimit;
    const queued = Array.from({ length: handlesPerPage - 1 }, (_, i) => first + 1 + i);
    this.freeHandles = [...queued, ...this.freeHandles];
    this.handleLimit += handlesPerPage;
    return first;
  }

  /** put_maptrack_handle(): a released handle joins the tail of the free list. */
  releaseHandle(handle: number): void {
    this.maptrack.delete(handle);
    this.freeHandles.push(handle);
  }

  /**
   * Switches layout the way gnttab_set_version() does once its checks have
   * passed: every entry is cleared except the reserved ones, which are carried
   * across (v2→v1 keeps only permit_access entries, with their status bits).
   */
  switchVersion(to: 1 | 2): void {
    const { reservedEntries, entryFlags } = this.abi;
    const accessMask = entryFlags.reading | entryFlags.writing;
    const kept: SharedEntry[] = [];
    for (let ref = 0; ref < reservedEntries; ref++) {
      const entry = this.entry(ref);
      if (this.version === 1) {
        kept.push({ ...entry });
      } else if ((entry.flags & entryFlags.typeMask) === entryFlags.types.permit_access) {
        kept.push({ flags: entry.flags | this.status[ref]!, domid: entry.domid, word1: 0, frame: entry.frame });
      } else {
        kept.push(emptyEntry());
      }
    }
    this.statusFrames = to === 2 ? this.abi.statusFramesV2 : 0;
    this.version = to;
    this.shared = new Map();
    this.status = new Uint16Array(this.entryCount);
    kept.forEach((entry, ref) => {
      if (to === 1) {
        this.shared.set(ref, entry);
      } else {
        this.status[ref] = entry.flags & accessMask;
        this.shared.set(ref, { flags: entry.flags & ~accessMask, domid: entry.domid, word1: 0, frame: entry.frame });
      }
    });
  }
}
