/**
 * The boot module (core/xen-qemu/program.ts) in the layout wire.json gives, and the kernel's
 * header generated from the same file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { domainWord, encodeBundle, encodeProgram, programFlags, type KernelCase } from "../../core/xen-qemu/program";
import { WIRE_HEADER, generateWireHeaderFromDisk } from "../../core/xen-qemu/wire-header";
import { wire } from "../../core/xen-qemu/wire";
import { ROOT } from "../helpers";

const sample: KernelCase = {
  index: 7,
  printPools: true,
  domains: [{ domid: 1, type: "pv32", vcpus: 2, maxGrantVersion: 2, maxGrantFrames: 32, maxMaptrackFrames: 1024, grantOpts: 3 }],
  steps: [
    { op: "mmu_update", dom: 1, args: [0x10013000n, 0x10020007n, 0n], relocate: ["maddr", "pte"] },
    { op: "mem_access", dom: 1, vcpu: 1, user: true, log: true, args: [0x400000n, 1n, 2n], outputs: ["none", "frame"] },
  ],
};

describe("the boot module", () => {
  const w = wire();

  it("lays a program out as wire.json says: header, case, domain, steps", () => {
    const program = encodeProgram([sample], programFlags(["gnttab", "pv32"]));
    expect(program.length).toBe(w.sizes.programHeader + w.sizes.caseHeader + w.sizes.domainSpec + 2 * w.sizes.step);
    expect(program.subarray(0, 8).toString("latin1")).toBe(w.programMagic);
    expect(program.readUInt32LE(8)).toBe(1);
    expect(program.readUInt32LE(12)).toBe(w.programFlags.probeGrantTables | w.programFlags.probePv32);
    let at = w.sizes.programHeader;
    expect(program.readUInt32LE(at)).toBe(w.caseMagic);
    expect(program.readUInt32LE(at + 4)).toBe(7);
    expect(program.readUInt16LE(at + 8)).toBe(1);
    expect(program.readUInt16LE(at + 10)).toBe(2);
    expect(program.readUInt32LE(at + 12)).toBe(w.caseFlags.printPools);
    at += w.sizes.caseHeader;
    expect(program.readUInt16LE(at)).toBe(1);
    expect(program.readUInt8(at + 2)).toBe(w.domainTypes.pv32);
    expect(program.readUInt8(at + 3)).toBe(w.domainFlags.grantOpts);
    expect(program.readUInt8(at + 4)).toBe(2);
    expect(program.readInt32LE(at + 8)).toBe(32);
    expect(program.readUInt32LE(at + 16)).toBe(3);
    at += w.sizes.domainSpec;
    expect(program.readUInt8(at)).toBe(w.operations.mmu_update);
    expect(program.readUInt8(at + 1)).toBe(0);
    expect(program.readUInt16LE(at + 2)).toBe(1);
    const flags = program.readUInt32LE(at + 4);
    expect((flags >> w.relocation.argShift) & 3).toBe(w.relocation.maddr);
    expect((flags >> (w.relocation.argShift + 2)) & 3).toBe(w.relocation.pte);
    expect(program.readBigUInt64LE(at + 8)).toBe(0x10013000n);
    at += w.sizes.step;
    // The vCPU that runs the step: byte 1 (wire.json sizes.description).
    expect(program.readUInt8(at + 1)).toBe(1);
    const second = program.readUInt32LE(at + 4);
    expect(second & w.stepFlags.user).toBe(w.stepFlags.user);
    expect(second & w.stepFlags.log).toBe(w.stepFlags.log);
    expect((second >> w.stepFlags.outputCountShift) & w.stepFlags.outputCountMask).toBe(2);
    expect((second >>> (w.relocation.outShift + 2)) & 3).toBe(w.relocation.frame);
  });

  it("refuses a step on a vCPU beyond the ones the kernel runs an executor on", () => {
    const beyond: KernelCase = { ...sample, steps: [{ op: "read_cr", dom: 1, vcpu: w.sizes.maxVcpusPerDomain, args: [4n] }] };
    expect(() => encodeProgram([beyond], 0)).toThrow(RangeError);
  });

  it("packs a domain's first word the same way for the case header and create_domain", () => {
    const word = domainWord({ domid: 3, type: "hvm", vcpus: 1, maxGrantVersion: 0xff, maxGrantFrames: 32, maxMaptrackFrames: 1024, noExecutor: true });
    expect(Number(word & 0xffffn)).toBe(3);
    expect(Number((word >> 16n) & 0xffn)).toBe(w.domainTypes.hvm);
    expect(Number((word >> 24n) & 0xffn)).toBe(w.domainFlags.noExecutor);
    expect(Number((word >> 40n) & 0xffn)).toBe(0xff);
  });

  it("refuses what the kernel could not read: too many steps, arguments or outputs, unknown operations", () => {
    const steps = Array.from({ length: w.sizes.maxStepsPerCase + 1 }, () => ({ op: "nop", dom: 0, args: [] }));
    expect(() => encodeProgram([{ index: 0, domains: [], steps }], 0)).toThrow(RangeError);
    expect(() => encodeProgram([{ index: 0, domains: [], steps: [{ op: "no-such-op", dom: 0, args: [] }] }], 0)).toThrow(/unknown kernel operation/);
    expect(() => encodeProgram([{ index: 0, domains: [], steps: [{ op: "nop", dom: 0, args: Array(8).fill(0n) }] }], 0)).toThrow(RangeError);
    expect(() => encodeProgram([{ index: 0, domains: [], steps: [{ op: "nop", dom: 0, args: [], outputs: Array(5).fill("none") }] }], 0)).toThrow(RangeError);
  });

  it("bundles the program and the kernel images at 16-byte aligned offsets the header names", () => {
    const program = encodeProgram([sample], 0);
    const bundle = encodeBundle(program, { pv64: Buffer.from("pv64-image"), hvm64: Buffer.from("hvm") });
    expect(bundle.subarray(0, 8).toString("latin1")).toBe(w.bundleMagic);
    const entry = (i: number): [number, number] => [bundle.readUInt32LE(16 + 8 * i), bundle.readUInt32LE(20 + 8 * i)];
    const [programAt, programLength] = entry(0);
    expect(bundle.subarray(programAt, programAt + programLength).equals(program)).toBe(true);
    const [pv64At, pv64Length] = entry(1);
    expect(pv64At % 16).toBe(0);
    expect(bundle.subarray(pv64At, pv64At + pv64Length).toString()).toBe("pv64-image");
    expect(entry(2)).toEqual([0, 0]);
    const [hvmAt] = entry(3);
    expect(bundle.subarray(hvmAt, hvmAt + 3).toString()).toBe("hvm");
  });

  it("kernel/include/wire.h matches wire.json (run `npm run codegen` after changing it)", () => {
    expect(readFileSync(join(ROOT, WIRE_HEADER), "utf8")).toBe(generateWireHeaderFromDisk());
  });
});
