/**
 * Compiling cases for the test kernel and reading its results back (core/xen-qemu/translate/):
 * which kernel steps a case becomes, how model frames are marked for relocation, which cases
 * cannot run (and the reason given), and how raw results become observations.
 */
import { describe, expect, it } from "vitest";
import type { RawCase, RawStep } from "../../core/xen-qemu/console";
import { Unsupported, planCase, type BootFacts } from "../../core/xen-qemu/translate";
import { wire } from "../../core/xen-qemu/wire";
import { loadSpec } from "../../spec";
import { caseInput } from "../mutation/case-input";

const spec = loadSpec();
const env = { spec };
const boot: BootFacts = {
  probes: new Map([["gnttab.maxVersion", "2"]]),
  registerDump: ["r15: 0000000000000000   cr0: 0000000080050033   cr4: 0000000000360660"],
  bootLog: ["parameter \"gnttab-typo\" unknown!", "  XPTI (64-bit PV only): Dom0 disabled, DomU disabled (without PCID)"],
  capabilities: ["xen-3.0-x86_64", "hvm-3.0-x86_64"],
  build: "release",
};
const raw = (steps: RawStep[], extra: Partial<RawCase> = {}): RawCase => ({ index: 0, steps, stepLogs: new Map(), ...extra });
const ok = (...outputs: bigint[]): RawStep => ({ rc: 0, outputs: outputs.map((value) => ({ value, known: true })) });

describe("compiling a case", () => {
  it("turns PV page-table steps into hypercalls whose model frames the kernel relocates", () => {
    const input = caseInput("pte.t", "pte", "xen-4.22", { domains: [{ domid: 1 }] }, [
      { op: "mmuext_op", args: { cmd: "pin_l1_table", mfn: "0x10013" }, expect: { result: "ok" } },
      { op: "mmu_update", args: { frame: "0x10013", index: 2, value: "0x10020007" }, expect: { result: "ok", state: { "d1.entry[0x10013][2]": "0x1", "d1.frame[0x10013].pinned": true } } },
    ]);
    const plan = planCase(input, env);
    expect(plan.domains).toEqual([expect.objectContaining({ domid: 1, type: "pv64", maxGrantVersion: 0xff })]);
    expect(plan.steps.map((s) => s.op)).toEqual(["mmuext_op", "mmu_update", "read_u64", "page_info"]);
    expect(plan.steps[0]).toMatchObject({ dom: 1, args: [0n, 0x10013n, 0n], relocate: ["none", "frame"] });
    expect(plan.steps[1]).toMatchObject({ args: [(0x10013n << 12n) | 16n, 0x10020007n, 0n], relocate: ["maddr", "pte"] });
    // Page types come from the toolstack (dom0), entries from the guest itself.
    expect(plan.steps[2]).toMatchObject({ dom: 1, outputs: ["pte"] });
    expect(plan.steps[3]).toMatchObject({ dom: 0, args: [1n, 0x10013n], relocate: ["none", "frame"] });

    const outcome = plan.decode(raw([ok(), { rc: -22, outputs: [] }, ok(0x10020107n), ok(0x90000000n)]), boot);
    expect(outcome).toEqual({
      kind: "observed",
      steps: [{ result: "ok" }, { result: "EINVAL", state: { "d1.entry[0x10013][2]": "0x10020107", "d1.frame[0x10013].pinned": true } }],
    });
  });

  it("reads faults as the guest received them, and a domU that died mid-case as the domain crashed", () => {
    const input = caseInput("smap.t", "smap", "xen-4.22", { domains: [{ domid: 1 }] }, [
      { op: "mem_access", args: { addr: "0x400000", access: "write", mode: "user" }, expect: { result: "ok" } },
      { op: "read_cr", args: { cr: 2 }, expect: { result: "ok" } },
    ]);
    const plan = planCase(input, env);
    expect(plan.steps[0]).toMatchObject({ op: "mem_access", user: true, args: [0x400000n, 1n, 2n] });
    const faulted = plan.decode(raw([{ rc: wire().results.fault, fault: { vector: 14, errorCode: 6, cr2: 0x400000n }, outputs: [] }, ok(0x400000n)]), boot);
    expect(faulted).toEqual({ kind: "observed", steps: [{ result: "fault", fault: { vector: "#PF", errorCode: "0x6" } }, { result: "ok", returns: { value: "0x400000" } }] });
    const died = plan.decode(raw([ok()], { abort: "step 1 d1 shutdown 3" }), boot);
    expect(died).toEqual({ kind: "observed", steps: [{ result: "ok" }, { result: "domain-crashed" }] });
  });

  it("names the boot's normative messages and reads Xen's settings from the boot", () => {
    const input = caseInput("gnttab.t", "gnttab", "xen-4.22", { xen: { cmdline: "gnttab-typo" } }, [
      { op: "boot", expect: { result: "ok", log: [], state: { "xen.gnttab.maxVersion": 2, "xen.usesSmap": true, "xen.xpti.domu": false } } },
    ]);
    const plan = planCase(input, env);
    expect([...plan.probes].sort()).toEqual(["gnttab", "registers"]);
    expect(plan.decode(raw([]), boot)).toEqual({
      kind: "observed",
      steps: [{ result: "ok", log: [{ msg: "param-unknown", param: "gnttab-typo" }], state: { "xen.gnttab.maxVersion": 2, "xen.usesSmap": true, "xen.xpti.domu": false } }],
    });
  });

  it("names a frame in a message by the model frame its real frame stands for", () => {
    const input = caseInput("pte.log", "pte", "xen-4.22", { domains: [{ domid: 1 }] }, [
      { op: "mmuext_op", args: { cmd: "pin_l1_table", mfn: "0x10013" }, expect: { result: "ok", log: [] } },
    ]);
    const plan = planCase(input, env);
    expect(plan.printPools).toBe(true);
    expect(plan.steps[0]?.log).toBe(true);
    const outcome = plan.decode(
      raw([ok()], { stepLogs: new Map([[0, ["arch/x86/mm.c:1337:d1v0 Global bit is set in kernel page 1fc21"]]]), frames: new Map([[0x1fc21n, 0x10021n]]) }),
      boot,
    );
    expect(outcome).toEqual({ kind: "observed", steps: [{ result: "ok", log: [{ msg: "pte-global-kernel", pfn: "10021" }] }] });
  });

  it("refuses what the test kernel cannot do, naming what is missing", () => {
    const refuse = (config: object, steps: object[]): string => {
      try {
        planCase(caseInput("x.t", "pte", "xen-4.22", config, steps), env);
      } catch (error) {
        if (error instanceof Unsupported) return error.message;
        throw error;
      }
      return "ran";
    };
    const read = { op: "read_cr", args: { cr: 0 }, expect: { result: "ok" } };
    expect(refuse({ domains: [{ domid: 1, type: "hvm" }] }, [read])).toMatch(/reset state/);
    expect(refuse({ domains: [{ domid: 1, vcpus: 3 }] }, [read])).toMatch(/needs a domU with 3 vCPUs; the test kernel runs up to 2/);
    expect(refuse({ domains: [{ domid: 1, vcpus: 2 }] }, [{ ...read, args: { cr: 0, vcpu: 2 } }])).toMatch(/vCPU 2 of domain 1, which has 2/);
    expect(refuse({ domains: [{ domid: 1 }] }, [{ ...read, args: { cr: 0, dom: 0, vcpu: 1 } }])).toMatch(/vCPU 1 of domain 0/);
    expect(refuse({ xen: { builtinCmdline: "x" } }, [{ op: "boot", expect: { result: "ok" } }])).toMatch(/CONFIG_CMDLINE/);
    expect(refuse({ xen: { cmdline: "console=vga" } }, [{ op: "boot", expect: { result: "ok" } }])).toMatch(/harness sets itself/);
    expect(refuse({ domains: [{ domid: 1 }] }, [{ op: "mmu_update", args: { frame: "0x10013", index: 0, value: "0x50000003" }, expect: { result: "ok" } }])).toMatch(/frame 0x50000, which no domain/);
    expect(refuse({ domains: [{ domid: 1 }] }, [{ op: "read_cr", args: { cr: 0 }, expect: { result: "ok", state: { "d1.pcid": true } } }])).toMatch(/d\{n\}\.pcid/);
    const hvm = { domains: [{ domid: 1, type: "hvm", vcpuContext: { cr0: "0x80010031", cr3: "0x10010000", cr4: "0x20", efer: "0xd01" } }] };
    expect(refuse(hvm, [read])).toBe("ran");
    expect(refuse(hvm, [{ op: "store_u64", args: { frame: "0x10010", index: 511, value: "0x0" }, expect: { result: "ok" } }])).toMatch(/slot that keeps the test kernel mapped/);
    expect(refuse(hvm, [{ op: "mmu_update", args: { frame: "0x10013", index: 0, value: "0x0" }, expect: { result: "ok" } }])).toMatch(/PV-only hypercall/);
  });

  it("runs a step on the vCPU it names, in a PV domU with two vCPUs, and reads that vCPU's state there", () => {
    const input = caseInput("ptshare.t", "ptshare", "xen-4.22", { domains: [{ domid: 1, type: "pv32", vcpus: 2 }] }, [
      { op: "mmuext_op", args: { cmd: "new_baseptr", mfn: "0x10011" }, expect: { result: "ok" } },
      {
        op: "mmuext_op",
        args: { cmd: "new_baseptr", mfn: "0x10015", vcpu: 1 },
        expect: { result: "EINVAL", state: { "d1.vcpu[1].cr4": "0x660", "d1.vcpu[1].baseptr": null, "d1.vcpu[0].ac": false, "d1.vcpu[2].cr4": null } },
      },
    ]);
    const plan = planCase(input, env);
    expect(plan.domains).toEqual([expect.objectContaining({ domid: 1, type: "pv32", vcpus: 2 })]);
    expect(plan.steps.map((s) => [s.op, s.vcpu ?? 0])).toEqual([
      ["mmuext_op", 0],
      ["mmuext_op", 1],
      ["read_cr", 1],
      ["read_cr", 1],
      ["read_ac", 0],
    ]);
    // A vCPU the domain does not have reads null, as in the model, without a step.
    const outcome = plan.decode(raw([ok(), { rc: -22, outputs: [] }, ok(0x660n), { rc: 0, outputs: [{ value: 0x1234000n, known: false }] }, ok(0n, 0n)]), boot);
    expect(outcome).toEqual({
      kind: "observed",
      steps: [{ result: "ok" }, { result: "EINVAL", state: { "d1.vcpu[1].cr4": "0x660", "d1.vcpu[1].baseptr": null, "d1.vcpu[0].ac": false, "d1.vcpu[2].cr4": null } }],
    });
    expect(() => planCase(caseInput("cr4.t", "cr4", "xen-4.22", { domains: [{ domid: 1, type: "hvm", vcpus: 2 }] }, [{ op: "read_cr", args: { cr: 0 }, expect: { result: "ok" } }]), env)).toThrow(
      /HVM domU with more than one vCPU/,
    );
  });

  it("creates a domain as a step and refuses steps in one whose context the kernel cannot run in", () => {
    const steps = [{ op: "create_domain", args: { domid: 1, type: "hvm", vcpuContext: { cr0: "0x51" } }, expect: { result: "EINVAL" } }];
    const plan = planCase(caseInput("cr4.t", "cr4", "xen-4.22", {}, steps), env);
    expect(plan.steps[0]?.op).toBe("create_domain");
    expect(plan.decode(raw([{ rc: -22, outputs: [{ value: 1n, known: true }] }]), boot)).toEqual({ kind: "observed", steps: [{ result: "EINVAL" }] });
    expect(() => planCase(caseInput("cr4.t", "cr4", "xen-4.22", {}, [...steps, { op: "read_cr", args: { cr: 0 }, expect: { result: "ok" } }]), env)).toThrow(/cannot run in/);
  });

  it("on a release build, skips rather than judges a state Xen reports at a coarser grain than the model", () => {
    const input = caseInput("pte.t", "pte", "xen-4.22", { domains: [{ domid: 1 }] }, [
      { op: "read_cr", args: { cr: 0 }, expect: { result: "ok", state: { "d1.frame[0x10020].type": "writable" } } },
    ]);
    const plan = planCase(input, { spec, build: "release" });
    expect(plan.steps.map((step) => step.op)).toEqual(["read_cr", "page_info"]);
    const outcome = plan.decode(raw([ok(0x80050033n), ok(0n)]), boot);
    expect(outcome).toMatchObject({ kind: "skipped", reason: expect.stringMatching(/'none' or 'writable'/) });
  });

  it("reads a PV frame's type and type count from the type_info a debug build prints, and needs that build for the count", () => {
    const state = { "d1.frame[0x10020].type": "l1", "d1.frame[0x10020].typeCount": 2 };
    const input = caseInput("pte.t", "pte", "xen-4.22", { domains: [{ domid: 1 }] }, [{ op: "read_cr", args: { cr: 0 }, expect: { result: "ok", state } }]);
    // Planned as written: the case tells the core what it needs of a host.
    expect(planCase(input, env).hostNeeds).toEqual({ prefersDebugBuild: true, debugBuild: expect.stringMatching(/type reference count/) });
    expect(() => planCase(input, { spec, build: "release" })).toThrow(/needs a debug build of Xen/);
    const plan = planCase(input, { spec, build: "debug" });
    expect(plan.steps.map((step) => step.op)).toEqual(["read_cr", "type_info", "type_info"]);
    const typeInfo = (info: bigint, held: boolean): RawStep => ({ rc: 0, outputs: [{ value: info, known: true }, { value: held ? 1n : 0n, known: true }] });
    const l1 = (1n << 61n) | (1n << 58n) | 2n;
    const observed = (info: RawStep) => plan.decode(raw([ok(0x80050033n), info, info]), boot);
    expect(observed(typeInfo(l1, false))).toEqual({ kind: "observed", steps: [{ result: "ok", returns: { value: "0x80050033" }, state }] });
    // The kernel's own writable reference is not the case's: a frame it alone held is untyped.
    expect(observed(typeInfo((7n << 61n) | 1n, true))).toMatchObject({ steps: [{ state: { "d1.frame[0x10020].type": "none", "d1.frame[0x10020].typeCount": 0 } }] });
    expect(observed(typeInfo((7n << 61n) | 3n, true))).toMatchObject({ steps: [{ state: { "d1.frame[0x10020].type": "writable", "d1.frame[0x10020].typeCount": 2 } }] });
    // PGT_pae_xen_l2: the L2 in slot 3 of a 32-bit guest's L3.
    expect(observed(typeInfo((2n << 61n) | (1n << 58n) | (1n << 57n) | 1n, false))).toMatchObject({ steps: [{ state: { "d1.frame[0x10020].type": "l2-xen" } }] });
    // A release build prints no type_info: the kernel says so, and the case is not judged.
    expect(observed({ rc: wire().results.unsupported, outputs: [] })).toMatchObject({ kind: "errored", message: expect.stringMatching(/printed no type_info/) });
  });

  it("reads XPTI per domain from Xen's settings for its kind, a user base pointer from the vCPU context, and the directmap from an L4's Xen slots", () => {
    const state = { "d0.xpti": false, "d1.xpti": true, "d1.vcpu[0].userBaseptr": "0x10010", "d1.frame[0x10010].directmap": true, "xen.directmap": true };
    const input = caseInput("ptshare.t", "ptshare", "xen-4.22", { domains: [{ domid: 0 }, { domid: 1 }] }, [{ op: "boot", expect: { result: "ok", state } }]);
    const plan = planCase(input, { spec, build: "release" });
    // Domain 0 as the test kernel is: nothing to build.
    expect(plan.domains.map((d) => d.domid)).toEqual([1]);
    expect(plan.steps.map((step) => step.op)).toEqual(["vcpu_ctrlreg", "page_info", "read_u64", "own_top_entry"]);
    const xptiOnlyDomU = { ...boot, bootLog: ["  XPTI (64-bit PV only): Dom0 disabled, DomU enabled (without PCID)"] };
    const maddr = (frame: bigint): RawStep => ({ rc: 0, outputs: [{ value: frame << 12n, known: true }] });
    const l4 = ok(4n << 28n);
    const observed = plan.decode(raw([maddr(0x10010n), l4, ok(0x1234067n), ok(0x5678063n)]), xptiOnlyDomU);
    expect(observed).toEqual({ kind: "observed", steps: [{ result: "ok", state }] });
    // The test kernel's own table (a frame no case owns) stands for no user base pointer; an empty Xen slot, for no directmap.
    const other = plan.decode(raw([{ rc: 0, outputs: [{ value: 0x999000n, known: false }] }, l4, ok(0n), ok(0n)]), xptiOnlyDomU);
    expect(other).toMatchObject({ steps: [{ state: { "d1.vcpu[0].userBaseptr": null, "d1.frame[0x10010].directmap": false, "xen.directmap": false } }] });
    expect(() => planCase(caseInput("ptshare.t", "ptshare", "xen-4.22", { domains: [{ domid: 0, vcpus: 2 }] }, [{ op: "boot", expect: { result: "ok" } }]), env)).toThrow(/domain 0/);
  });

  it("asks whether Xen offers grant transfers with a transfer of no entries: 0 yes, -EOPNOTSUPP no, anything else undecided", () => {
    const input = caseInput("gnttab.t", "gnttab", "xen-4.22", {}, [{ op: "boot", expect: { result: "ok", state: { "xen.gnttab.transfer": true } } }]);
    const plan = planCase(input, env);
    expect(plan.steps).toEqual([expect.objectContaining({ op: "gnttab_transfer", dom: 0, args: [0n, 0n, 0n, 1n] })]);
    const state = (rc: number): unknown => {
      const outcome = plan.decode(raw([{ rc, outputs: [] }]), boot);
      return outcome.kind === "observed" ? outcome.steps[0]?.state?.["xen.gnttab.transfer"] : outcome;
    };
    expect(state(0)).toBe(true);
    expect(state(-95)).toBe(false);
    expect(state(-22)).toMatchObject({ kind: "errored", message: expect.stringMatching(/neither 0 nor -EOPNOTSUPP/) });
  });

  it("probes grant transitivity through two domains of its own: a copy through a transitive grant says on; only Xen's own words say off", () => {
    const input = caseInput("gnttab.t", "gnttab", "xen-4.22", {}, [{ op: "boot", expect: { result: "ok", state: { "xen.gnttab.transitive": true } } }]);
    const ops = ["create_domain", "create_domain", "gnttab_set_version", "grant_write", "grant_write", "grant_write", "gnttab_copy"];
    expect(planCase(input, env).steps.map((step) => step.op)).toEqual(ops);
    const setUp = [ok(0x7fe0n), ok(0x7fe1n), ok(2n), ok(), ok(), ok()];
    const status = (value: bigint): RawStep => ok(BigInt.asUintN(64, value));
    const read = (plan: ReturnType<typeof planCase>, copy: RawStep, log: string[] = []): unknown => {
      const outcome = plan.decode(raw([...setUp, copy], { stepLogs: new Map([[6, log]]) }), boot);
      return outcome.kind === "observed" ? outcome.steps[0]?.state?.["xen.gnttab.transitive"] : outcome;
    };
    const debug = planCase(input, { spec, build: "debug" });
    expect(debug.steps[6]?.log).toBe(true);
    expect(read(debug, status(0n))).toBe(true);
    expect(read(debug, status(-1n), ["(XEN) grant_table.c:2599:d0v0 transitive grant when transitivity not allowed"])).toBe(false);
    // GNTST_general_error without Xen's reason: a broken probe, not an answer.
    expect(read(debug, status(-1n))).toMatchObject({ kind: "errored" });
    expect(read(planCase(input, { spec, build: "release" }), status(-1n))).toMatchObject({ kind: "skipped", reason: expect.stringMatching(/only a debug build says which/) });
  });
});
