/** How the Linux guest reads pv_cr_pin and crashkernel= from its command line. */
import { describe, expect, it } from "vitest";
import { crashkernelSize, hasWord } from "../../core/reference/kvm/crpin/cmdline";

describe("hasWord", () => {
  it.each([
    ["pv_cr_pin", true],
    ["quiet pv_cr_pin", true],
    ["quiet\tpv_cr_pin\n", true],
    ["pv_cr_pin=1", false],
    ["nopv_cr_pin", false],
    ["pv_cr_pins", false],
    ["", false],
  ])("%j → %s", (cmdline, expected) => {
    expect(hasWord(cmdline, "pv_cr_pin")).toBe(expected);
  });
});

describe("crashkernelSize", () => {
  it.each([
    ["crashkernel=256M", 256n << 20n],
    ["crashkernel=64M@16M", 64n << 20n],
    ["crashkernel=1G,high", 1n << 30n],
    ["crashkernel=0x1000", 0x1000n],
    ["crashkernel=128M crashkernel=0", 0n],
    ["crashkernel=lots", 0n],
    ["quiet", 0n],
  ])("%j → %s", (cmdline, expected) => {
    expect(crashkernelSize(cmdline, "crashkernel")).toBe(expected);
  });
});
