/**
 * The PV PTE rules the reference core derives from spec data reproduce the
 * masks and adjustments read from Xen (xen-pv-abi-facts P3-P5, P9, P10).
 */
import { describe, expect, it } from "vitest";
import { adjustEntry, disallowedFlags, flagWord, type Level } from "../../core/reference/xen/pv/flags";
import { bootedMachine, domain } from "./xen-machine";

const P = 1n, RW = 2n, US = 4n, G = 0x100n, B52 = 1n << 52n;
const FRAME = 0x10020n << 12n;

/** The disallow mask as Xen's 24-bit flag word (P1), the form the facts quote. */
function mask(level: Level, config: Parameters<typeof bootedMachine>[0], profile = "xen-4.22"): string {
  const machine = bootedMachine(config, profile);
  return `0x${flagWord(machine, disallowedFlags(machine, domain(machine), level)).toString(16)}`;
}

const pv64 = (over: Record<string, unknown> = {}) => ({ domains: [{ domid: 1, ...over }] });
const pv32 = { xen: { kconfig: { PV32: true } }, domains: [{ domid: 1, type: "pv32" as const }] };

describe("PV PTE flag masks (P3-P5)", () => {
  it("L1: 0x400098 in debug builds, 0x98 in release builds, without the cache attributes for I/O domains", () => {
    expect(mask(1, { ...pv64(), xen: { build: "debug" } })).toBe("0x400098");
    expect(mask(1, pv64())).toBe("0x98");
    expect(mask(1, { ...pv64({ ioResources: true }), xen: { build: "debug" } })).toBe("0x400000");
    expect(mask(1, pv64({ ioResources: true }))).toBe("0x0");
  });

  it("L2 and L4: the base mask 0x198, and 0x800198 on a CPU without NX", () => {
    expect(mask(2, pv64())).toBe("0x198");
    expect(mask(4, pv64())).toBe("0x198");
    expect(mask(2, { ...pv64(), cpu: { features: { nx: false } } })).toBe("0x800198");
  });

  it("L3: the base mask for 64-bit PV, 0xfff198 (the 24-bit part of 0xFFFFF198) for 32-bit PV", () => {
    expect(mask(3, pv64())).toBe("0x198");
    expect(mask(3, pv32)).toBe("0xfff198");
  });

  it("the seed profile reserves bit 62 only with CONFIG_PV_PTE_DEBUG, in any build", () => {
    expect(mask(1, { ...pv64(), xen: { build: "debug" } }, "seed-proposals")).toBe("0x98");
    expect(mask(1, { ...pv64(), xen: { kconfig: { PV_PTE_DEBUG: true } } }, "seed-proposals")).toBe("0x400098");
  });
});

describe("64-bit PV L1 adjustment (P9) and other levels (P10)", () => {
  const adjust = (entry: bigint, profile = "xen-4.22", level: Level = 1, config = pv64()) => {
    const machine = bootedMachine(config, profile);
    return adjustEntry(machine, domain(machine), level, entry);
  };

  it("merged Xen: kernel mappings get U/S and bit 52 and keep G; user mappings get G", () => {
    expect(adjust(FRAME | P | RW).entry).toBe(FRAME | P | RW | US | B52);
    expect(adjust(FRAME | P | RW | G).entry).toBe(FRAME | P | RW | US | B52 | G);
    expect(adjust(FRAME | P | RW | US).entry).toBe(FRAME | P | RW | US | G);
    expect(adjust(FRAME | P | RW | US | B52).entry).toBe(FRAME | P | RW | US | B52);
    expect(adjust(FRAME | P | G | B52).globalKernelWarning).toBe(true);
    expect(adjust(FRAME | P | G).globalKernelWarning).toBe(false);
  });

  it("seed without CONFIG_PV_PTE_DEBUG: no bit 52, G cleared on kernel mappings, bit 52 is the guest's", () => {
    expect(adjust(FRAME | P | RW | G, "seed-proposals").entry).toBe(FRAME | P | RW | US);
    expect(adjust(FRAME | P | RW | US | B52, "seed-proposals").entry).toBe(FRAME | P | RW | US | B52 | G);
    expect(adjust(FRAME | P | G | B52, "seed-proposals").globalKernelWarning).toBe(false);
  });

  it("seed with CONFIG_PV_PTE_DEBUG: bit 52 marks kernel mappings, whose G is overridden with a warning", () => {
    const config = { ...pv64(), xen: { kconfig: { PV_PTE_DEBUG: true } } };
    const adjusted = adjust(FRAME | P | US | G | B52, "seed-proposals", 1, config);
    expect(adjusted).toEqual({ entry: FRAME | P | US | B52, globalKernelWarning: true });
  });

  it("leaves non-present entries and 32-bit PV L1/L2 entries alone; adds U/S|R/W to 32-bit PV L3 and A to its L4", () => {
    expect(adjust(FRAME | RW).entry).toBe(FRAME | RW);
    expect(adjust(FRAME | P, "xen-4.22", 1, pv32).entry).toBe(FRAME | P);
    expect(adjust(FRAME | P, "xen-4.22", 2, pv32).entry).toBe(FRAME | P);
    expect(adjust(FRAME | P, "xen-4.22", 3, pv32).entry).toBe(FRAME | P | RW | US);
    expect(adjust(FRAME | P, "xen-4.22", 4, pv32).entry).toBe(FRAME | P | 0x20n);
    expect(adjust(FRAME | P, "xen-4.22", 4).entry).toBe(FRAME | P | US | 0x20n);
  });
});
