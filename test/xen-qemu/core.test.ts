/**
 * The real-Xen core's batches without QEMU (core/xen-qemu/core.ts): a stand-in boot prints the
 * console a boot would print for the cases it was given. Cases are grouped by what a boot fixes,
 * a boot that ends early costs the case in flight (crash or time-out, with the console's tail)
 * and the rest get another boot, and a Xen that never reaches dom0 is an observation.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseInput } from "../../core/interface";
import { XenQemuCore } from "../../core/xen-qemu/core";
import { hosts, kconfigOf, realise, type Host } from "../../core/xen-qemu/hosts";
import type { BootOutcome, BootRequest } from "../../core/xen-qemu/qemu";
import { TEST_CRASH_DOM0 } from "../../core/xen-qemu/translate";
import { wire } from "../../core/xen-qemu/wire";
import { loadSpec } from "../../spec";
import { caseInput } from "../mutation/case-input";

const spec = loadSpec();
let kernelDir: string;

beforeAll(() => {
  kernelDir = mkdtempSync(join(tmpdir(), "hvabi-xen-core-test-"));
  writeFileSync(join(kernelDir, "hvabi-pv64.elf"), "stand-in");
});
afterAll(() => rmSync(kernelDir, { recursive: true, force: true }));

/** An AMD host as QEMU's max CPU shows it, with a release build. */
const host: Host = {
  image: { label: "release", path: "/nonexistent/xen", build: "release", kconfig: kconfigOf("CONFIG_PV=y\nCONFIG_HVM=y\nCONFIG_GRANT_TABLE=y\n") },
  cpu: hosts().cpuModels[0]!,
  facts: {
    xenVersion: "4.17.5 (test)",
    capabilities: ["xen-3.0-x86_64", "hvm-3.0-x86_64"],
    vendor: "amd",
    paddrBits: 46,
    featureset: [],
    features: {
      de: true, tsc: true, pse: true, pae: true, mce: true, pge: true, xsave: true, nx: true, lm: true, page1gb: true, pcid: false,
      invpcid: false, fsgsbase: true, smep: true, smap: true, umip: true, pku: true, vmx: false, svm: true, la57: false, pks: false,
      cet_ss: false, cet_ibt: false, cet_sss: false, fred: false, lass: false, lam: false,
    },
    meltdown: false,
    l1tf: false,
    virtualised: true,
  },
};

/** A case whose configuration is the host's exactly, so no reference-model check is involved. */
function onHost(id: string, steps: object[], cmdline = ""): CaseInput {
  const input = caseInput(id, "gnttab", "xen-4.22", { xen: { cmdline } }, steps);
  return { ...input, config: realise(input.config, host).config as CaseInput["config"] };
}

/** The case indices of a boot module's program. */
function casesIn(module: string): number[] {
  const bundle = readFileSync(module);
  const w = wire();
  const at = bundle.readUInt32LE(16);
  const count = bundle.readUInt32LE(at + 8);
  const indices: number[] = [];
  let cursor = at + w.sizes.programHeader;
  for (let i = 0; i < count; i++) {
    indices.push(bundle.readUInt32LE(cursor + 4));
    cursor += w.sizes.caseHeader + bundle.readUInt16LE(cursor + 8) * w.sizes.domainSpec + bundle.readUInt16LE(cursor + 10) * w.sizes.step;
  }
  return indices;
}

type Script = (cases: number[], request: BootRequest) => { lines: string[]; end?: BootOutcome["end"] };

/** The boots a core made: the request, and the case indices its module held (read before the core removes it). */
interface Boot {
  request: BootRequest;
  cases: number[];
}

function core(script: Script, boots: Boot[] = []): XenQemuCore {
  return XenQemuCore.withHosts([host], {
    images: [host.image],
    kernelDir,
    spec,
    boot: async (request) => {
      const cases = casesIn(request.module ?? "");
      boots.push({ request, cases });
      const { lines, end = "completed" } = script(cases, request);
      return { end, reason: end, lines, durationMs: 5, exitStatus: end === "completed" ? 0 : null, signal: null, stderrTail: "" };
    },
  });
}

const HEAD = ["(XEN) Xen version 4.17.5 (test)", "H version=4.17.5|caps=xen-3.0-x86_64 |changeset=", "B gnttab.maxVersion=2"];
const versionStep = { op: "physinfo", expect: { result: "ok" } };
/** Distinct cases (identical ones share a run): dom0 asks for a grant-table version. */
const distinct = (n: number): object => ({ op: "gnttab_set_version", args: { dom: 0, version: n }, expect: { result: "ok" } });

describe("the real-Xen core's batches", () => {
  it("gives cases that need the same boot one boot, and each other command line its own", async () => {
    const boots: Boot[] = [];
    const xen = core((cases) => ({ lines: [...HEAD, ...cases.map((i) => `R${i.toString(16)} 0:300`), `E ${cases.length}`] }), boots);
    const outcomes = await xen.run([onHost("a", [versionStep]), onHost("b", [distinct(1)]), onHost("c", [versionStep], "gnttab=max_ver:1")]);
    expect(outcomes.map((o) => o.kind)).toEqual(["observed", "observed", "observed"]);
    expect(boots.map((b) => [b.request.xenCommandLine.endsWith("gnttab=max_ver:1"), b.cases])).toEqual([
      [false, [0, 1]],
      [true, [0]],
    ]);
    expect(outcomes[0]).toEqual({ kind: "observed", steps: [{ result: "ok", returns: { "cap.gnttab_v1": true, "cap.gnttab_v2": true } }] });
    await xen.close();
  });

  it("runs a case listed for two profiles once", async () => {
    const boots: Boot[] = [];
    const xen = core((cases) => ({ lines: [...HEAD, ...cases.map((i) => `R${i.toString(16)} 0:100`), `E ${cases.length}`] }), boots);
    const one = onHost("a", [versionStep]);
    const outcomes = await xen.run([one, { ...one, profile: "seed-proposals" }]);
    expect(outcomes.map((o) => o.kind)).toEqual(["observed", "observed"]);
    expect(boots.map((b) => b.cases)).toEqual([[0]]);
    await xen.close();
  });

  it("costs a boot that crashed dom0 only the case in flight: the rest of the batch gets another boot", async () => {
    const boots: Boot[] = [];
    const xen = core((cases) => {
      // The boot dies at the crashing case (its index in this boot's program), as dom0 does.
      const crashing = boots.length === 1 ? 1 : -1;
      const lines = [...HEAD];
      for (const i of cases) {
        if (i === crashing) return { lines: [...lines, "F crash requested by the case 1", "(XEN) Hardware Dom0 crashed: rebooting machine in 5 seconds."], end: "dom0-crash" };
        lines.push(`R${i.toString(16)} 0:300`);
      }
      return { lines: [...lines, `E ${cases.length}`] };
    }, boots);
    const crash = { ...onHost("crash", [{ op: "boot", expect: { result: "ok" } }]), steps: [{ op: TEST_CRASH_DOM0 }] } as unknown as CaseInput;
    const outcomes = await xen.run([onHost("before", [distinct(1)]), crash, onHost("after", [distinct(2)]), onHost("last", [distinct(3)])]);
    expect(outcomes.map((o) => o.kind)).toEqual(["observed", "crashed", "observed", "observed"]);
    expect(outcomes[1]).toMatchObject({ kind: "crashed", message: expect.stringMatching(/crash requested by the case/), stderr: expect.stringMatching(/Hardware Dom0 crashed/) });
    expect(outcomes[3]).toEqual({ kind: "observed", steps: [{ result: "ok", returns: { version: 0x300 } }] });
    expect(boots.map((b) => b.cases)).toEqual([
      [0, 1, 2, 3],
      [0, 1],
    ]);
    await xen.close();
  });

  it("gives the cases after one that left a domain Xen would not free another boot, blaming none of them", async () => {
    const boots: Boot[] = [];
    const xen = core((cases) => {
      // dom0 prints the leaving case's result, then stops the boot (its S line), as its teardown does.
      if (boots.length === 1) return { lines: [...HEAD, "R0 0:300", "R1 0:300", "S case 1 left d1 behind: destroyed, it did not go away (-16)"] };
      return { lines: [...HEAD, ...cases.map((i) => `R${i.toString(16)} 0:300`), `E ${cases.length}`] };
    }, boots);
    const outcomes = await xen.run([onHost("a", [distinct(1)]), onHost("leaves", [distinct(2)]), onHost("after", [distinct(3)]), onHost("last", [distinct(4)])]);
    expect(outcomes.map((o) => o.kind)).toEqual(["observed", "observed", "observed", "observed"]);
    expect(boots.map((b) => b.cases)).toEqual([
      [0, 1, 2, 3],
      [0, 1],
    ]);
    expect(xen.stderr()).toMatch(/dom0 stopped the boot: case 1 left d1 behind/);
    await xen.close();
  });

  it("reports the case in flight as timed out when a boot runs out of time", async () => {
    const boots: Boot[] = [];
    const xen = core((cases) => (boots.length === 1 ? { lines: [...HEAD, "R0 0:300"], end: "timeout" } : { lines: [...HEAD, ...cases.map((i) => `R${i.toString(16)} 0:300`), "E 1"] }), boots);
    const outcomes = await xen.run([onHost("a", [distinct(1)]), onHost("b", [distinct(2)]), onHost("c", [distinct(3)])]);
    expect(outcomes.map((o) => o.kind)).toEqual(["observed", "timed-out", "observed"]);
    await xen.close();
  });

  it("observes a Xen that never reached dom0 as a crashed host, for every case of the boot", async () => {
    const xen = core(() => ({ lines: ["(XEN) Xen version 4.17.5", "(XEN) Panic on CPU 0:", "(XEN) bad command line"], end: "xen-panic" }));
    const outcomes = await xen.run([onHost("a", [{ op: "boot", expect: { result: "ok" } }], "bad=option")]);
    expect(outcomes).toEqual([{ kind: "observed", steps: [{ result: "host-crashed" }] }]);
    await xen.close();
  });

  it("skips, with the reason, a case no host can run, and keeps a record of every boot for the report", async () => {
    const xen = core((cases) => ({ lines: [...HEAD, ...cases.map((i) => `R${i.toString(16)}`), "E 1"] }));
    const arm = caseInput("arm", "gnttab", "xen-4.22", { xen: { arch: "arm64" } }, [{ op: "boot", expect: { result: "ok" } }]);
    const outcomes = await xen.run([arm, onHost("boot", [{ op: "boot", expect: { result: "ok" } }])]);
    expect(outcomes[0]).toEqual({ kind: "skipped", reason: "needs an arm64 host" });
    expect(outcomes[1]).toEqual({ kind: "observed", steps: [{ result: "ok" }] });
    expect(xen.stderr()).toMatch(/\[xen-qemu\] boot 1: release, amd/);
    await xen.close();
  });
});

describe("the real-Xen core's boot lines (read back by npm run bench, scripts/bench/real-xen.ts)", () => {
  // QEMU's max CPU under TCG, as a probe boot of Xen 4.17 reported it (test/xen-qemu/hosts.test.ts).
  const RAW = "fcbfbfd,fed8320b,edd3fbfd,75,5,1d843a9,8001021c,0,0,0,0,0,0,0,0,0,0,0,0";
  const probeConsole = [
    "(XEN) Xen version 4.17.5 (test) debug=n",
    "(XEN) CPU Vendor: AMD, Family 15 (0xf), Model 107 (0x6b)",
    "(XEN)   XPTI (64-bit PV only): Dom0 disabled, DomU disabled (without PCID)",
    "(XEN)   PV L1TF shadowing: Dom0 disabled, DomU disabled",
    "H version=4.17.5|caps=xen-3.0-x86_64 hvm-3.0-x86_64|changeset=",
    `B featureset.raw=${RAW} cpu.paddrBits=46`,
    "E 0",
  ];

  it("logs each probe boot of start, then each case boot, one line each, with the time to the kernel's first line", async () => {
    const xen = await XenQemuCore.start({
      images: [host.image],
      kernelDir,
      spec,
      boot: async (request) => {
        const cases = casesIn(request.module ?? "");
        const lines = cases.length === 0 ? probeConsole : [...HEAD, ...cases.map((i) => `R${i.toString(16)} 0:300`), `E ${cases.length}`];
        return { end: "completed", reason: "completed", lines, durationMs: 2345, firstKernelLineMs: 1960, exitStatus: 0, signal: null, stderrTail: "" };
      },
    });
    // A configuration exactly the first probed host's, so that the case runs.
    const input = caseInput("a", "gnttab", "xen-4.22", {}, [distinct(1)]);
    const outcomes = await xen.run([{ ...input, config: realise(input.config, xen.hosts[0]!).config as CaseInput["config"] }]);
    expect(outcomes.map((o) => o.kind)).toEqual(["observed"]);
    const lines = xen.stderr().split("\n");
    const probes = hosts().cpuModels.map((cpu) => `[xen-qemu] probe boot: release, ${cpu.name} (-cpu ${cpu.qemu}), cmdline "", 0 cases, 0 results, 2.3 s, first kernel line at 2.0 s, completed`);
    expect(lines.slice(0, probes.length).sort()).toEqual(probes.sort());
    expect(lines.slice(probes.length)).toEqual([expect.stringMatching(/^\[xen-qemu\] boot 1: release, amd \(-cpu [^)]+\), cmdline "", 1 cases, 1 results, 2\.3 s, first kernel line at 2\.0 s, completed$/)]);
    await xen.close();
  });

  it("says when the kernel never printed, and how the boot ended", async () => {
    const xen = core(() => ({ lines: ["(XEN) Xen version 4.17.5", "(XEN) Panic on CPU 0:", "(XEN) bad command line"], end: "xen-panic" }));
    await xen.run([onHost("a", [{ op: "boot", expect: { result: "ok" } }], "bad=option")]);
    expect(xen.stderr()).toMatch(/^\[xen-qemu\] boot 1: release, amd \(-cpu [^)]+\), cmdline "bad=option", 1 cases, 0 results, 0\.0 s, no kernel line, xen-panic \(xen-panic\)$/);
    await xen.close();
  });
});
