/**
 * Hosts (core/xen-qemu/hosts.ts): what Xen reports of the machine, the QEMU CPU a case gets, and
 * where a case may run when its configuration and the host differ — only where the reference
 * model shows the difference does not matter, and otherwise skipped naming what matters.
 */
import { describe, expect, it } from "vitest";
import type { CaseExecutor, CaseInput, CaseOutcome } from "../../core/interface";
import { HostChooser, buildOf, differences, featuresOf, hostFacts, hosts, kconfigOf, realise, type Host } from "../../core/xen-qemu/hosts";
import { loadSpec } from "../../spec";
import { caseInput } from "../mutation/case-input";

const spec = loadSpec();
// QEMU's max CPU under TCG, as a probe boot of Xen 4.17 reported it.
const RAW = "fcbfbfd,fed8320b,edd3fbfd,75,5,1d843a9,8001021c,0,0,0,0,0,0,0,0,0,0,0,0";
const bootLog = [
  "Xen version 4.17.5 (Debian 4.17.5+72) debug=n",
  "CPU Vendor: AMD, Family 15 (0xf), Model 107 (0x6b)",
  "  XPTI (64-bit PV only): Dom0 disabled, DomU disabled (without PCID)",
  "  PV L1TF shadowing: Dom0 disabled, DomU disabled",
];
const facts = hostFacts(spec, bootLog, new Map([["featureset.raw", RAW], ["cpu.paddrBits", "46"]]), { version: "4.17.5", capabilities: ["xen-3.0-x86_64", "hvm-3.0-x86_64"] });
const host: Host = { image: { label: "release", path: "/x", build: "release", kconfig: kconfigOf("CONFIG_PV=y\nCONFIG_HVM=y\nCONFIG_GRANT_TABLE=y\n") }, cpu: hosts().cpuModels[0]!, facts };

describe("a host as Xen reports it", () => {
  it("reads the vendor, the CPU features of the raw featureset, and Xen's verdicts on Meltdown and L1TF", () => {
    expect(facts.vendor).toBe("amd");
    expect(facts.features).toMatchObject({ smep: true, smap: true, pku: true, nx: true, svm: true, vmx: false, pcid: false, invpcid: false, cet_ss: false, fred: false });
    expect(facts).toMatchObject({ meltdown: false, l1tf: false, virtualised: true, paddrBits: 46 });
    expect(featuresOf(spec, [0, 1 << 17]).pcid).toBe(true);
  });

  it("reads the build and the options a case names from a .config", () => {
    expect(buildOf("CONFIG_DEBUG=y\n")).toBe("debug");
    expect(buildOf("# CONFIG_DEBUG is not set\n")).toBe("release");
    expect(kconfigOf("CONFIG_PV=y\nCONFIG_PV32=y\n# CONFIG_SHADOW_PAGING is not set\n")).toMatchObject({ PV: true, PV32: true, SHADOW_PAGING: false, HVM: false });
  });

  it("turns off in QEMU the CPU features a case turns off, and keeps the case's MAXPHYADDR", () => {
    const input = caseInput("t", "smap", "xen-4.22", { cpu: { features: { smap: false, smep: false }, maxPhysAddr: 40 } }, []);
    const { config, qemuCpu } = realise(input.config, host);
    expect(qemuCpu).toBe("max,phys-bits=40,-smep,-smap");
    expect(config.cpu).toMatchObject({ vendor: "amd", maxPhysAddr: 40, features: { smep: false, smap: false, pku: true } });
    expect(config.xen).toMatchObject({ build: "release", virtualised: true });
  });

  it("names each difference between what a case asks and what a host is", () => {
    const input = caseInput("t", "pte", "xen-4.22", { xen: { build: "debug" } }, []);
    const names = differences(input.config, realise(input.config, host).config).map((d) => d.needs);
    expect(names).toEqual(expect.arrayContaining(["a debug build", "Xen on bare metal (not virtualised)", "an Intel CPU", "a CPU with pcid"]));
  });
});

describe("choosing where a case runs", () => {
  const stepsOf = (input: CaseInput): StepObservationLike[] => [{ vendor: input.config.cpu.vendor, build: input.config.xen.build }];
  type StepObservationLike = { vendor?: string; build?: string };
  /** A stand-in reference model: the outcome depends on the build only when the case says so. */
  const reference = (sensitive: "build" | "vendor" | "none"): CaseExecutor => ({
    description: { name: "model", version: "0", profiles: [], areas: [], operations: [] },
    execute(input): CaseOutcome {
      const [view] = stepsOf(input);
      const seen = sensitive === "build" ? view?.build : sensitive === "vendor" ? view?.vendor : "same";
      return { kind: "observed", steps: [{ result: "ok", returns: { seen: seen ?? "" } }] };
    },
  });
  const input = caseInput("t", "pte", "xen-4.22", { domains: [{ domid: 1 }] }, [{ op: "read_cr", args: { cr: 0 }, expect: { result: "ok" } }]);

  it("runs a case where the model shows the host's differences do not change it, and says what was substituted", async () => {
    const choice = await new HostChooser([host], reference("none")).choose(input);
    expect(choice).toMatchObject({ host, qemuCpu: "max,phys-bits=46", substituted: expect.arrayContaining(["an Intel CPU"]) });
  });

  it("skips it, naming only the differences that matter, where the model's observations change", async () => {
    expect(await new HostChooser([host], reference("vendor")).choose(input)).toEqual({
      reason: "needs an Intel CPU (the reference model's observations differ without it)",
    });
  });

  it("keeps HVM guests off hosts that cannot run them", async () => {
    const pvOnly: Host = { ...host, facts: { ...facts, capabilities: ["xen-3.0-x86_64"] } };
    const hvm = caseInput("t", "cr4", "xen-4.22", { domains: [{ domid: 1, type: "hvm" }] }, []);
    expect(await new HostChooser([pvOnly], reference("none")).choose(hvm)).toEqual({ reason: expect.stringMatching(/HVM guest, which no available host can run/) });
  });

  it("puts a case that needs a debug build on one, prefers one where the case reads more there, and says when there is none", async () => {
    const debug: Host = { ...host, image: { ...host.image, label: "debug", build: "debug" } };
    const chooser = new HostChooser([host, debug], reference("none"));
    expect(await chooser.choose(input)).toMatchObject({ host });
    expect(await chooser.choose(input, { prefersDebugBuild: true })).toMatchObject({ host: debug });
    expect(await chooser.choose(input, { debugBuild: "type counts" })).toMatchObject({ host: debug });
    expect(await new HostChooser([host], reference("none")).choose(input, { prefersDebugBuild: true })).toMatchObject({ host });
    expect(await new HostChooser([host], reference("none")).choose(input, { debugBuild: "type counts" })).toEqual({ reason: "needs a debug build of Xen (type counts)" });
  });
});
