import type { DomainConfig } from "../../../spec/types/generated";
import type { GrantTable } from "./gnttab/table";
import type { X86DomainState } from "./x86/domain-state";

export type DomainType = "pv64" | "pv32" | "hvm";

/** A Xen domain of the case model: identity, the frames it owns, their contents, and per-area state. */
export class XenDomain {
  readonly domid: number;
  readonly type: DomainType;
  readonly privileged: boolean;
  readonly ioResources: boolean;
  readonly vcpus: number;
  /** The frames given at creation: [first, first + count). */
  private allocation = { first: 0n, count: 0n };
  /** Frames that left or joined the domain after creation (grant transfer). */
  private readonly givenAway = new Set<bigint>();
  private readonly received = new Set<bigint>();
  private readonly memory = new Map<bigint, Uint8Array>();
  /** The page asked for last: page tables are read a word at a time, 512 words of one frame in a row. */
  private lastPage: { frame: bigint; bytes: Uint8Array } | undefined;
  private grantTable: GrantTable | undefined;
  /** Attached by the x86 platform when the domain is created: vCPUs, page types, toolstack setup. */
  x86?: X86DomainState;

  constructor(config: Required<Pick<DomainConfig, "domid" | "type" | "privileged" | "ioResources" | "vcpus">>) {
    this.domid = config.domid;
    this.type = config.type;
    this.privileged = config.privileged;
    this.ioResources = config.ioResources;
    this.vcpus = config.vcpus;
  }

  /** Attached by the gnttab area at creation, in builds with CONFIG_GRANT_TABLE. */
  attachGrantTable(table: GrantTable): void {
    this.grantTable = table;
  }

  get hasGrantTable(): boolean {
    return this.grantTable !== undefined;
  }

  /**
   * The domain's grant table. Only a build with CONFIG_GRANT_TABLE has the grant-table operations
   * (gnttab/ops.ts answers ENOSYS otherwise), and there every domain has a table; state readers ask
   * hasGrantTable first.
   */
  get gnttab(): GrantTable {
    return this.grantTable!;
  }

  get isPv(): boolean {
    return this.type !== "hvm";
  }

  /** Gives the domain its initial frames (a contiguous block: kept as a range, not a set of thousands). */
  allocate(first: bigint, count: number): void {
    this.allocation = { first, count: BigInt(count) };
  }

  owns(frame: bigint): boolean {
    if (this.received.has(frame)) return true;
    const { first, count } = this.allocation;
    return frame >= first && frame < first + count && !this.givenAway.has(frame);
  }

  /** The frame leaves the domain (freed, or given to another). */
  loseFrame(frame: bigint): void {
    if (!this.received.delete(frame)) this.givenAway.add(frame);
    this.memory.delete(frame);
    if (this.lastPage?.frame === frame) this.lastPage = undefined;
  }

  /** The frame's bytes (zero-filled on first touch). */
  page(frame: bigint, pageSize: number): Uint8Array {
    if (this.lastPage?.frame === frame) return this.lastPage.bytes;
    let bytes = this.memory.get(frame);
    if (bytes === undefined) {
      bytes = new Uint8Array(pageSize);
      this.memory.set(frame, bytes);
    }
    this.lastPage = { frame, bytes };
    return bytes;
  }

  /** Moves a frame, with its contents, to another domain (grant transfer). */
  giveFrame(frame: bigint, to: XenDomain): void {
    const bytes = this.memory.get(frame);
    this.loseFrame(frame);
    to.givenAway.delete(frame);
    if (!to.owns(frame)) to.received.add(frame);
    if (bytes !== undefined) to.memory.set(frame, bytes);
    if (to.lastPage?.frame === frame) to.lastPage = undefined;
  }
}
