/**
 * Emulation deviations (core/xen-qemu/emulation.ts, hosts.json): a case is kept off real Xen
 * under QEMU where the reference model predicts a step QEMU's emulation answers, not Xen — and
 * only there: the same fault in a PV guest, or another vector, still runs.
 */
import { describe, expect, it } from "vitest";
import type { CaseOutcome } from "../../core/interface";
import { emulationDeviation } from "../../core/xen-qemu/emulation";
import { caseInput } from "../mutation/case-input";

const hvm = { domains: [{ domid: 1, type: "hvm", vcpuContext: { cr0: "0x80010031", cr3: "0x10010000", cr4: "0x20", efer: "0xd01" } }] };
const pv = { domains: [{ domid: 1 }] };
const access = { op: "mem_access", args: { addr: "0x400000", access: "read" }, expect: { result: "ok" } };
const fault = (vector: string, errorCode?: string): CaseOutcome => ({
  kind: "observed",
  steps: [{ result: "fault", fault: errorCode === undefined ? { vector: vector as "#PF" } : { vector: vector as "#PF", errorCode } }],
});

describe("steps QEMU's emulation answers", () => {
  it("keeps off an HVM guest's reserved-bit page fault, naming QEMU's source", () => {
    const reason = emulationDeviation(caseInput("t", "pte", "xen-4.22", hvm, [access]), fault("#PF", "0x9"));
    expect(reason).toMatch(/^judges QEMU's emulation, not Xen, at step 0 \(mem_access\): .*excp_helper\.c:479-481/);
  });

  it("runs the same fault in a PV guest (Xen's own walk), a page fault without RSVD, and a step that does not fault", () => {
    expect(emulationDeviation(caseInput("t", "pte", "xen-4.22", pv, [access]), fault("#PF", "0x9"))).toBeUndefined();
    expect(emulationDeviation(caseInput("t", "pte", "xen-4.22", hvm, [access]), fault("#PF", "0x3"))).toBeUndefined();
    expect(emulationDeviation(caseInput("t", "pte", "xen-4.22", hvm, [access]), { kind: "observed", steps: [{ result: "ok" }] })).toBeUndefined();
  });

  it("keeps off a reserved-bit MOV to CR3 and a ring-3 access to a control register that does not exist, and nothing else of theirs", () => {
    const cr3 = { op: "write_cr", args: { cr: 3, value: "0x400000000000" }, expect: { result: "ok" } };
    expect(emulationDeviation(caseInput("t", "cr4", "xen-4.22", hvm, [cr3]), fault("#GP", "0x0"))).toMatch(/misc_helper\.c:99-103/);
    const cr0 = { op: "write_cr", args: { cr: 0, value: "0xa0010031" }, expect: { result: "ok" } };
    expect(emulationDeviation(caseInput("t", "cr4", "xen-4.22", hvm, [cr0]), fault("#GP", "0x0"))).toBeUndefined();
    const cr6 = { op: "read_cr", args: { cr: 6, mode: "user" }, expect: { result: "ok" } };
    expect(emulationDeviation(caseInput("t", "cr4", "xen-4.22", hvm, [cr6]), fault("#UD"))).toMatch(/translate\.c:6465-6469/);
    const kernelCr6 = { op: "read_cr", args: { cr: 6 }, expect: { result: "ok" } };
    expect(emulationDeviation(caseInput("t", "cr4", "xen-4.22", hvm, [kernelCr6]), fault("#UD"))).toBeUndefined();
  });
});
