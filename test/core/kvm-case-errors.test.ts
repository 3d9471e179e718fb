/** Cases the KVM machine cannot express come back as core errors that say what to change, never as crashes. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import { inProcessCore } from "../../core/adapters/in-process";
import { createReferenceExecutor } from "../../core/reference";
import { runSuite } from "../../runner/run";
import { writeTree } from "../helpers";

function kvmCase(id: string, profiles: string[], steps: object[], config: object = {}): object {
  return {
    id: `crpin.${id}`,
    title: `error handling: ${id}`,
    clauses: ["CRPIN-ALLOWED-MASK"],
    polarity: "accept",
    profiles,
    config: { hypervisor: "kvm", ...config },
    steps,
  };
}

async function reasons(cases: Record<string, object>): Promise<Record<string, string>> {
  const dir = writeTree(Object.fromEntries(Object.entries(cases).map(([name, body]) => [join("crpin", `${name}.json`), body])));
  const spec = loadSpec();
  const report = await runSuite(inProcessCore(createReferenceExecutor(spec)), spec, { paths: [dir] });
  return Object.fromEntries(report.results.map((r) => [`${r.id} [${r.profile}]`, `${r.status}: ${r.reason ?? ""}`]));
}

describe("KVM machine case errors", () => {
  it("names the revision's MSRs, the modelled range and the missing kernel", async () => {
    const ok = { result: "ok" };
    const found = await reasons({
      "low-pin-in-v2": kvmCase("low-pin-in-v2", ["crpin-rfc-v2"], [{ op: "rdmsr", args: { msr: "cr4-pin-low" }, expect: ok }]),
      "foreign-msr": kvmCase("foreign-msr", ["crpin-v3"], [{ op: "rdmsr", args: { msr: "0x4b564d06" }, expect: ok }]),
      "tsc-msr": kvmCase("tsc-msr", ["crpin-v3"], [{ op: "rdmsr", args: { msr: "0x10" }, expect: ok }]),
      "no-kernel": kvmCase("no-kernel", ["crpin-v3"], [{ op: "guest_write_cr", args: { cr: 4, value: "0x6a0" }, expect: ok }]),
      "bad-start": kvmCase("bad-start", ["crpin-v3"], [{ op: "rsm", expect: ok }], { cpu: { features: { smep: false } } }),
    });
    expect(found["crpin.low-pin-in-v2 [crpin-rfc-v2]"]).toMatch(/^core-error: MSR cr4-pin-low is not defined in this profile's CR-pinning revision/);
    expect(found["crpin.foreign-msr [crpin-v3]"]).toMatch(/^core-error: MSR 0x4b564d06 is MSR_KVM_ASYNC_PF_INT in this revision's KVM/);
    expect(found["crpin.tsc-msr [crpin-v3]"]).toMatch(/^core-error: MSR 0x10 is not modelled/);
    expect(found["crpin.no-kernel [crpin-v3]"]).toMatch(/^core-error: no guest kernel is running: boot one with guest_boot first/);
    expect(found["crpin.bad-start [crpin-v3]"]).toMatch(/^core-error: config.kvm.vcpu is not a state KVM_SET_SREGS accepts: CR4 sets bits reserved/);
  });

  it("stops a vCPU after an emulation failure and says how to go on", async () => {
    const found = await reasons({
      stopped: kvmCase("stopped", ["crpin-v3"], [
        { op: "wrmsr", args: { msr: "cr4-pin", value: "0x100000" }, expect: { result: "ok" } },
        { op: "smi", expect: { result: "ok" } },
        { op: "smram_write", args: { offset: "0x7f48", size: 8, value: "0x6a0" }, expect: { result: "ok" } },
        { op: "rsm", expect: { result: "emulation-failure" } },
        { op: "mov_to_cr", args: { cr: 4, value: "0x6a0" }, expect: { result: "ok" } },
      ]),
    });
    expect(found["crpin.stopped [crpin-v3]"]).toMatch(/^core-error: vCPU 0 was stopped by an emulation failure on RSM; reset the machine/);
  });
});
