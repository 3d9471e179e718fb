/**
 * The architectural 4-level walk (cr-pinning-and-x86-facts 59-76) on
 * hand-built tables, independent of any hypervisor.
 */
import { describe, expect, it } from "vitest";
import { walk, type Accessor, type PagingControls, type WalkResult } from "../../core/x86/page-walk";
import { spec } from "./xen-machine";

const P = 1n, RW = 2n, US = 4n, A = 0x20n, D = 0x40n, PS = 0x80n, G = 0x100n, NX = 1n << 63n;
const key = (k: bigint): bigint => k << 59n;
const ROOT = 0x100n, L3 = 0x101n, L2 = 0x102n, L1 = 0x103n, PAGE = 0x200n;
const ADDR = 0x400000n; // L4 0, L3 0, L2 2, L1 0

const controls = (over: Partial<PagingControls> = {}): PagingControls => ({
  writeProtect: true, smep: false, smap: false, pke: false, nxe: true, maxPhysAddr: 46, page1gb: true, pml4Bit8Reserved: false, ...over,
});
const kernel: Accessor = { cpl: 0, ac: false, pkru: 0n };
const user: Accessor = { cpl: 3, ac: false, pkru: 0n };

function tables(leaf: bigint, over: { l4?: bigint; l3?: bigint; l2?: bigint } = {}) {
  const entries = new Map<string, bigint>([
    [`${ROOT}:0`, over.l4 ?? ((L3 << 12n) | P | RW | US)],
    [`${L3}:0`, over.l3 ?? ((L2 << 12n) | P | RW | US)],
    [`${L2}:2`, over.l2 ?? ((L1 << 12n) | P | RW | US)],
    [`${L1}:0`, leaf],
  ]);
  return { read: (_level: number, frame: bigint, index: number) => entries.get(`${frame}:${index}`) ?? 0n };
}

const run = (leaf: bigint, access: "read" | "write" | "fetch", who: Accessor = kernel, ctl = controls(), over = {}, address = ADDR): WalkResult =>
  walk(spec, tables(leaf, over), ROOT, ctl, who, address, access);
const code = (result: WalkResult): string => (result.kind === "page-fault" ? `0x${result.errorCode.toString(16)}` : result.kind);
const page = (flags: bigint): bigint => (PAGE << 12n) | flags;

describe("the 4-level page walk", () => {
  it("translates and reports the A bits to set on every level, D only for a write's leaf", () => {
    const read = run(page(P | RW | US), "read");
    expect(read).toMatchObject({ kind: "ok", frame: PAGE });
    if (read.kind !== "ok") return;
    expect(read.updates.map((u) => u.value & (A | D))).toEqual([A, A, A, A]);
    const written = run(page(P | RW | US | A), "write");
    if (written.kind !== "ok") throw new Error("expected a translation");
    expect(written.updates.at(-1)?.value).toBe(page(P | RW | US | A | D));
  });

  it("reports not-present faults with W, U and I/D as the access was, P clear", () => {
    expect(code(run(page(RW), "read"))).toBe("0x0");
    expect(code(run(page(RW), "write", user))).toBe("0x6");
    expect(code(run(page(RW), "fetch"))).toBe("0x10");
    expect(code(run(page(RW), "fetch", kernel, controls({ nxe: false })))).toBe("0x0");
    expect(code(run(page(RW), "fetch", kernel, controls({ nxe: false, smep: true })))).toBe("0x10");
  });

  it("ANDs R/W and U/S over the levels and ORs NX", () => {
    expect(code(run(page(P | RW | US), "read", user, controls(), { l2: (L1 << 12n) | P | RW }))).toBe("0x5");
    expect(code(run(page(P | RW | US), "write", kernel, controls(), { l3: (L2 << 12n) | P | US }))).toBe("0x3");
    expect(code(run(page(P | RW | US), "fetch", kernel, controls(), { l4: (L3 << 12n) | P | RW | US | NX }))).toBe("0x11");
  });

  it("lets a supervisor write a read-only page only with CR0.WP clear", () => {
    expect(code(run(page(P | US), "write"))).toBe("0x3");
    expect(run(page(P | US), "write", kernel, controls({ writeProtect: false })).kind).toBe("ok");
    expect(code(run(page(P | US), "write", user, controls({ writeProtect: false })))).toBe("0x7");
  });

  it("applies SMEP to supervisor fetches from user pages and SMAP to data accesses unless AC is set", () => {
    const both = controls({ smep: true, smap: true });
    expect(code(run(page(P | RW | US), "fetch", { ...kernel, ac: true }, both))).toBe("0x11");
    expect(code(run(page(P | RW | US), "read", kernel, both))).toBe("0x1");
    expect(run(page(P | RW | US), "read", { ...kernel, ac: true }, both).kind).toBe("ok");
    expect(run(page(P | RW | US), "read", user, both).kind).toBe("ok");
    expect(run(page(P | RW), "fetch", kernel, both).kind).toBe("ok");
  });

  it("treats reserved bits as P|RSVD faults whatever the access", () => {
    expect(code(run(page(P | RW) | (1n << 46n), "read"))).toBe("0x9");
    expect(code(run(page(P | RW) | (1n << 46n), "fetch", user))).toBe("0x1d");
    expect(code(run(page(P | RW) | NX, "read", kernel, controls({ nxe: false })))).toBe("0x9");
    expect(code(run(page(P), "read", kernel, controls(), { l4: (L3 << 12n) | P | PS }))).toBe("0x9");
    expect(code(run(page(P), "read", kernel, controls({ pml4Bit8Reserved: true }), { l4: (L3 << 12n) | P | G }))).toBe("0x9");
    expect(run(page(P), "read", kernel, controls(), { l4: (L3 << 12n) | P | G }).kind).toBe("ok");
    expect(code(run(page(RW) | (1n << 46n), "read"))).toBe("0x0");
  });

  it("maps large pages and checks their reserved bits", () => {
    const twoMeg = (0x400n << 12n) | P | RW | PS;
    expect(run(0n, "read", kernel, controls(), { l2: twoMeg })).toMatchObject({ kind: "ok", frame: 0x400n });
    expect(run(0n, "read", kernel, controls(), { l2: twoMeg }, ADDR + 0x5000n)).toMatchObject({ kind: "ok", frame: 0x405n });
    expect(code(run(0n, "read", kernel, controls(), { l2: twoMeg | (1n << 13n) }))).toBe("0x9");
    expect(run(0n, "read", kernel, controls(), { l2: twoMeg | (1n << 12n) }).kind).toBe("ok");
    const oneGig = P | RW | PS;
    expect(run(0n, "read", kernel, controls(), { l3: oneGig })).toMatchObject({ kind: "ok", frame: 0x400n });
    expect(code(run(0n, "read", kernel, controls({ page1gb: false }), { l3: oneGig }))).toBe("0x9");
  });

  it("checks protection keys on data accesses to user pages only", () => {
    const keyed = controls({ pke: true });
    const ad = { ...user, pkru: 0b0100n };
    const wd = { ...user, pkru: 0b1000n };
    expect(code(run(page(P | RW | US) | key(1n), "read", ad, keyed))).toBe("0x25");
    expect(run(page(P | RW | US) | key(1n), "fetch", ad, keyed).kind).toBe("ok");
    expect(run(page(P | RW) | key(1n), "read", { ...kernel, pkru: 0b0100n }, keyed).kind).toBe("ok");
    expect(run(page(P | RW | US) | key(1n), "read", wd, keyed).kind).toBe("ok");
    expect(code(run(page(P | RW | US) | key(1n), "write", wd, keyed))).toBe("0x27");
    expect(run(page(P | RW | US) | key(1n), "write", { ...kernel, pkru: 0b1000n }, controls({ pke: true, writeProtect: false })).kind).toBe("ok");
    expect(run(page(P | RW | US) | key(1n), "read", ad, controls()).kind).toBe("ok");
  });

  it("raises #GP for non-canonical addresses before looking at any table", () => {
    expect(run(page(P), "read", kernel, controls(), {}, 0x0000800000000000n).kind).toBe("non-canonical");
    expect(run(page(P), "read", kernel, controls(), {}, 0xffff7fffffffffffn).kind).toBe("non-canonical");
    expect(code(run(page(P), "read", kernel, controls(), {}, 0xffff800000000000n))).toBe("0x0");
  });
});
