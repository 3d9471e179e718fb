/**
 * Reading a boot's serial console (core/xen-qemu/console.ts): the test kernel's lines among
 * Xen's, what each says, and lines that say nothing readable (kept, never dropped).
 */
import { describe, expect, it } from "vitest";
import { parseResultLine, readConsole } from "../../core/xen-qemu/console";

describe("the test kernel's console lines", () => {
  it("reads results: errnos, faults with error code and CR2, outputs, and frames no pool holds", () => {
    const result = parseResultLine("R1f 0 -22:1 -1000!e,5,402000:1,0 0:~1fc0b007,10020107");
    expect(result?.index).toBe(0x1f);
    expect(result?.steps).toEqual([
      { rc: 0, outputs: [] },
      { rc: -22, outputs: [{ value: 1n, known: true }] },
      { rc: -1000, fault: { vector: 14, errorCode: 5, cr2: 0x402000n }, outputs: [{ value: 1n, known: true }, { value: 0n, known: true }] },
      { rc: 0, outputs: [{ value: 0x1fc0b007n, known: false }, { value: 0x10020107n, known: true }] },
    ]);
    expect(result?.abort).toBeUndefined();
  });

  it("reads a fault with no error code (the kernel prints ffffffff) as one without", () => {
    expect(parseResultLine("R0 -1000!6,ffffffff,0")?.steps[0]?.fault).toEqual({ vector: 6, cr2: 0n });
  });

  it("reads why a case stopped, after the steps that completed", () => {
    const result = parseResultLine("R3 0 0 X step 2 d1 shutdown 3 log|text");
    expect(result?.steps).toHaveLength(2);
    expect(result?.abort).toBe("step 2 d1 shutdown 3 log|text");
  });

  it("refuses a line it cannot read whole", () => {
    expect(parseResultLine("R1 0 zz")).toBeUndefined();
    expect(parseResultLine("Rxyz 0")).toBeUndefined();
  });

  it("splits the boot log from the run: the console ring's early lines first, firmware lines dropped", () => {
    const reading = readConsole([
      "SeaBIOS (version 1.16.2)",
      "Booting from ROM..(XEN) Xen version 4.17.5 (Debian 4.17.5) debug=n",
      "(XEN) CPU Vendor: AMD, Family 15",
      "C parameter \"bogus\" unknown!",
      "H version=4.17.5|caps=xen-3.0-x86_64 hvm-3.0-x86_64 |changeset=abc",
      "B featureset.raw=1,2 gnttab.maxVersion=2",
      "(XEN) d1v0 something at run time",
      "R0 0",
      "E 1",
    ]);
    expect(reading.bootLog).toEqual(['parameter "bogus" unknown!', "Xen version 4.17.5 (Debian 4.17.5) debug=n", "CPU Vendor: AMD, Family 15"]);
    expect(reading.header).toEqual({ version: "4.17.5", capabilities: ["xen-3.0-x86_64", "hvm-3.0-x86_64"], changeset: "abc" });
    expect(reading.probes.get("gnttab.maxVersion")).toBe("2");
    expect(reading.cases.get(0)?.steps).toEqual([{ rc: 0, outputs: [] }]);
    expect(reading.ended).toBe(true);
    expect(reading.garbled).toEqual([]);
    expect(reading.xenLines).toContain("d1v0 something at run time");
  });

  it("attributes Xen's lines between a step's markers to that step, and reads the pools' frames", () => {
    const reading = readConsole([
      "H version=4.17.5|caps=|changeset=",
      "M2.1",
      "(XEN) arch/x86/mm.c:877:d1v0 Bad L1 flags 400000",
      "M2.1.",
      "(XEN) not in a step",
      "R2 0 -22",
      "P2 d1=1fc00:3,1fd00:1",
    ]);
    const result = reading.cases.get(2);
    expect(result?.stepLogs.get(1)).toEqual(["arch/x86/mm.c:877:d1v0 Bad L1 flags 400000"]);
    expect([...(result?.frames ?? new Map()).entries()]).toEqual([
      [0x1fc00n, 0x10000n],
      [0x1fc01n, 0x10001n],
      [0x1fc02n, 0x10002n],
      [0x1fd00n, 0x10003n],
    ]);
  });

  it("keeps the register dump apart, and reports what it cannot read and why the kernel gave up", () => {
    const reading = readConsole(["H version=4.17|caps=|changeset=", "D", "(XEN) r15: 0   cr0: 80050033   cr4: 0000000000360660", "D.", "noise from nowhere", "F exception 13"]);
    expect(reading.registerDump).toEqual(["r15: 0   cr0: 80050033   cr4: 0000000000360660"]);
    expect(reading.garbled).toEqual(["noise from nowhere"]);
    expect(reading.fatal).toBe("exception 13");
    expect(reading.ended).toBe(false);
  });

  it("reads why dom0 stopped a boot between two cases, apart from a kernel that gave up", () => {
    const reading = readConsole(["H version=4.17|caps=|changeset=", "R0 0", "S case 0 left d1 behind: destroyed, it did not go away (-16)"]);
    expect(reading.cases.get(0)?.steps).toEqual([{ rc: 0, outputs: [] }]);
    expect(reading.stopped).toBe("case 0 left d1 behind: destroyed, it did not go away (-16)");
    expect(reading.fatal).toBeUndefined();
    expect(reading.garbled).toEqual([]);
  });
});
