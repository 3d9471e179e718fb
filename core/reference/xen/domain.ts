import type { DomainConfig } from "../../../spec/types/generated";
import type { GrantTable } from "./gnttab/table";

export type DomainType = "pv64" | "pv32" | "hvm";

/** A Xen domain of the case model: identity, the frames it owns, their contents, and per-area state. */
export class XenDomain {
  readonly domid: number;
  readonly type: DomainType;
  readonly privileged: boolean;
  readonly ioResources: boolean;
  readonly vcpus: number;
  readonly frames = new Set<bigint>();
  private readonly memory = new Map<bigint, Uint8Array>();
  /** Attached by the gnttab area when the domain is created; builds without CONFIG_GRANT_TABLE have none. */
  gnttab?: GrantTable;

  constructor(config: Required<Pick<DomainConfig, "domid" | "type" | "privileged" | "ioResources" | "vcpus">>) {
    this.domid = config.domid;
    this.type = config.type;
    this.privileged = config.privileged;
    this.ioResources = config.ioResources;
    this.vcpus = config.vcpus;
  }

  get isPv(): boolean {
    return this.type !== "hvm";
  }

  owns(frame: bigint): boolean {
    return this.frames.has(frame);
  }

  /** The frame's bytes (zero-filled on first touch). */
  page(frame: bigint, pageSize: number): Uint8Array {
    let bytes = this.memory.get(frame);
    if (bytes === undefined) {
      bytes = new Uint8Array(pageSize);
      this.memory.set(frame, bytes);
    }
    return bytes;
  }

  /** Moves a frame, with its contents, to another domain (grant transfer). */
  giveFrame(frame: bigint, to: XenDomain): void {
    this.frames.delete(frame);
    to.frames.add(frame);
    const bytes = this.memory.get(frame);
    this.memory.delete(frame);
    if (bytes !== undefined) to.memory.set(frame, bytes);
  }
}
