/** The type and type reference count of each frame a PV domain uses as page table or maps writable (page->u.inuse.type_info). */

/** `l2-xen` is an L2 with PGT_pae_xen_l2: the one in slot 3 of a 32-bit PV L3. */
export type PageType = "writable" | "l1" | "l2" | "l2-xen" | "l3" | "l4";

export const PAGE_TABLE_LEVEL: Readonly<Record<Exclude<PageType, "writable">, number>> = {
  l1: 1,
  l2: 2,
  "l2-xen": 2,
  l3: 3,
  l4: 4,
};

export interface FrameType {
  /** `none` while the count is 0. */
  type: PageType | "none";
  count: number;
  pinned: boolean;
}

export const isPageTable = (type: PageType | "none"): type is Exclude<PageType, "writable"> =>
  type !== "none" && type !== "writable";

export class FrameTypes {
  private readonly frames = new Map<bigint, FrameType>();

  get(frame: bigint): FrameType {
    let info = this.frames.get(frame);
    if (info === undefined) {
      info = { type: "none", count: 0, pinned: false };
      this.frames.set(frame, info);
    }
    return info;
  }
}
