/**
 * The choices that set Xen 4.17 apart from 4.22 (source study D1-D5), each
 * read by the reference core: the same input in xen-4.22 and in xen-4.17.
 */
import { describe, expect, it } from "vitest";
import { profileChoices } from "../../spec";
import type { CaseOutcome } from "../../core/interface";
import { createReferenceExecutor } from "../../core/reference";
import type { AreaName, StepObservation } from "../../spec/types/generated";
import { caseInput } from "../mutation/case-input";
import { spec } from "./xen-machine";

const executor = createReferenceExecutor(spec);

function observe(area: AreaName, profile: string, config: object, steps: object[]): StepObservation[] {
  const outcome = executor.execute(caseInput(`${area}.choices.probe`, area, profile, config, steps)) as CaseOutcome;
  if (outcome.kind !== "observed") throw new Error(`${outcome.kind}: ${"message" in outcome ? outcome.message : outcome.reason}`);
  return outcome.steps as StepObservation[];
}

/** Observations of the same input in xen-4.22 and in xen-4.17. */
const both = (area: AreaName, config: object, steps: object[]) => ({
  merged: observe(area, "xen-4.22", config, steps),
  old: observe(area, "xen-4.17", config, steps),
});

describe("every profile states each knob; xen-4.17 differs from its base only where the study found it does", () => {
  it.each([
    ["gnttab", "zeroLengthCopy", "ignored", "checked"],
    ["smap", "fred", true, false],
    ["smap", "cetBoolean", true, false],
    ["pte", "badL1FlagsFormat", "%#x", "%x"],
    ["ptshare", "unknownElfNotes", [], [13, 19]],
    ["cr4", "unknownFeatures", [], ["pks", "lass", "auto_ibrs"]],
  ] as const)("%s %s", (area, knob, merged, old) => {
    const value = (profile: string): unknown => profileChoices<Record<string, unknown>>(spec, area, profile)[knob];
    expect(value("xen-4.22")).toEqual(merged);
    expect(value("seed-proposals")).toEqual(merged);
    expect(value("xen-4.17")).toEqual(old);
  });
});

describe("gnttab zeroLengthCopy (D2)", () => {
  const config = { domains: [{ domid: 1 }, { domid: 2 }] };
  const copy = (source: object, dest: object) => ({ op: "gnttab_copy", args: { dom: 1, source, dest, len: 0 }, expect: { result: "ok" } });

  it("ignored: a zero-length copy succeeds whatever it names; checked: it is refused as any copy would be", () => {
    const missing = both("gnttab", config, [copy({ domid: 9, ref: 5 }, { domid: 8, ref: 5 })]);
    expect(missing.merged[0]).toMatchObject({ result: "ok", status: "GNTST_okay" });
    expect(missing.old[0]).toMatchObject({ result: "ok", status: "GNTST_bad_domain" });
    // A frame named by another domain than DOMID_SELF, then an offset past the page, then a grant never written.
    const foreignFrame = both("gnttab", config, [copy({ domid: 2, frame: "0x20005" }, { domid: "self", frame: "0x10005" })]);
    expect(foreignFrame.old[0]?.status).toBe("GNTST_permission_denied");
    const pastThePage = both("gnttab", config, [copy({ domid: "self", frame: "0x10005", offset: 4097 }, { domid: "self", frame: "0x10006" })]);
    expect([pastThePage.merged[0]?.status, pastThePage.old[0]?.status]).toEqual(["GNTST_okay", "GNTST_bad_copy_arg"]);
    const unwritten = both("gnttab", config, [copy({ domid: 2, ref: 0 }, { domid: "self", frame: "0x10006" })]);
    expect([unwritten.merged[0]?.status, unwritten.old[0]?.status]).toEqual(["GNTST_okay", "GNTST_general_error"]);
    // Within bounds and with valid buffers both copy nothing and succeed.
    const valid = both("gnttab", config, [copy({ domid: "self", frame: "0x10005", offset: 4096 }, { domid: "self", frame: "0x10006" })]);
    expect([valid.merged[0]?.status, valid.old[0]?.status]).toEqual(["GNTST_okay", "GNTST_okay"]);
  });
});

describe("smap fred (D1)", () => {
  const boot = (log = true) => ({ op: "boot", expect: { result: "ok", state: { "xen.fred": true, "xen.pv32": true, "xen.shstk": true, "xen.cr4.FRED": true }, ...(log ? { log: [] } : {}) } });

  it("false: no fred parameter, whatever its form, and no use of FRED on AMD", () => {
    const config = { xen: { cmdline: "fred=maybe no-fred fred", kconfig: { PV32: true } }, cpu: { vendor: "amd", features: { fred: true } } };
    const { merged, old } = both("smap", config, [boot()]);
    expect(old[0]).toMatchObject({
      state: { "xen.fred": false, "xen.pv32": true, "xen.cr4.FRED": false },
      log: [{ msg: "param-unknown", param: "fred" }, { msg: "param-unknown", param: "no-fred" }, { msg: "param-unknown", param: "fred" }],
    });
    // 4.22 parses them: `fred=maybe` is no boolean, `no-fred` turns FRED off, the last `fred` on again, and 32-bit PV off.
    expect(merged[0]?.log).toContainEqual({ msg: "param-invalid", param: "fred", value: "maybe", rc: -1 });
    expect(merged[0]?.state).toMatchObject({ "xen.fred": true, "xen.pv32": false, "xen.cr4.FRED": true });
    expect(merged[0]?.log).toContainEqual({ msg: "pv32-disabled-fred" });
  });

  it("false: FRED does not turn shadow stacks on where Xen would otherwise leave them off, and no `FRED not available`", () => {
    // Virtualised on Intel without CET-SSS, shadow stacks default off unless FRED is used.
    const config = { xen: { cmdline: "fred", virtualised: true }, cpu: { features: { fred: true, cet_ss: true } } };
    const { merged, old } = both("smap", config, [boot(false)]);
    expect(merged[0]?.state).toMatchObject({ "xen.fred": true, "xen.shstk": true });
    expect(old[0]?.state).toMatchObject({ "xen.fred": false, "xen.shstk": false });
    const unavailable = both("smap", { xen: { cmdline: "fred=1" } }, [boot()]);
    expect(unavailable.merged[0]?.log).toEqual([{ msg: "fred-unavailable" }]);
    expect(unavailable.old[0]?.log).toEqual([{ msg: "param-unknown", param: "fred" }]);
  });
});

describe("smap cetBoolean (found on real Xen 4.17, not in the study)", () => {
  it("false: `cet=0` is an invalid value that turns nothing off, so on a CET CPU shadow stacks, IBT and the loss of 32-bit PV stay", () => {
    const config = { xen: { cmdline: "cet=0", kconfig: { PV32: true } }, cpu: { features: { cet_ss: true, cet_ibt: true } } };
    const boot = { op: "boot", expect: { result: "ok", state: { "xen.shstk": false, "xen.ibt": false, "xen.pv32": true }, log: [] } };
    const { merged, old } = both("smap", config, [boot]);
    expect(merged[0]).toMatchObject({ result: "ok", log: [], state: { "xen.shstk": false, "xen.ibt": false, "xen.pv32": true } });
    expect(old[0]?.log).toEqual([{ msg: "param-invalid", param: "cet", value: "0", rc: -22 }, { msg: "pv32-disabled-cet" }]);
    expect(old[0]?.state).toMatchObject({ "xen.shstk": true, "xen.ibt": true, "xen.pv32": false });
  });
});

describe("pte badL1FlagsFormat (D4)", () => {
  it("prints the refused L1 flags with or without 0x; L2-L4 flags are %x in every profile", () => {
    const config = { xen: { build: "debug" }, domains: [{ domid: 1 }] };
    const l1 = both("pte", config, [
      { op: "mmuext_op", args: { cmd: "pin_l1_table", mfn: "0x10013" }, expect: { result: "ok" } },
      { op: "mmu_update", args: { frame: "0x10013", index: 0, value: "0x1002001b" }, expect: { result: "EINVAL", log: [] } },
    ]);
    expect(l1.merged[1]?.log).toEqual([{ msg: "pte-bad-flags", level: 1, flags: "0x18" }]);
    expect(l1.old[1]?.log).toEqual([{ msg: "pte-bad-flags", level: 1, flags: "18" }]);
    const l2 = both("pte", config, [
      { op: "mmuext_op", args: { cmd: "pin_l2_table", mfn: "0x10012" }, expect: { result: "ok" } },
      { op: "mmu_update", args: { frame: "0x10012", index: 0, value: "0x1001300b" }, expect: { result: "EINVAL", log: [] } },
    ]);
    expect(l2.old[1]?.log).toEqual(l2.merged[1]?.log);
    expect(l2.old[1]?.log?.[0]).toMatchObject({ level: 2, flags: expect.stringMatching(/^[0-9a-f]+$/) });
  });
});

describe("ptshare unknownElfNotes (D3)", () => {
  it("logs the notes the profile's libelf lacks as unknown, in order, and still creates the domain", () => {
    const notes = [{ type: 13 }, { type: 1, value: "0xffffffff80001000" }, { type: 19 }, { type: 21 }];
    const { merged, old } = both("ptshare", {}, [{ op: "create_domain", args: { domid: 1, elfNotes: notes }, expect: { result: "ok", log: [] } }]);
    expect(merged[0]).toMatchObject({ result: "ok", log: [{ msg: "elf-note-unknown", type: "0x15" }] });
    expect(old[0]).toMatchObject({
      result: "ok",
      log: [
        { msg: "elf-note-unknown", type: "0xd" },
        { msg: "elf-note-unknown", type: "0x13" },
        { msg: "elf-note-unknown", type: "0x15" },
      ],
    });
  });
});

describe("cr4 unknownFeatures (D5)", () => {
  const hvm = { domains: [{ domid: 1, type: "hvm", vcpuContext: { cr0: "0x80010031", cr3: "0x10010000", cr4: "0x20", efer: "0xd01" } }] };

  it("a feature the profile's Xen does not know is offered to no guest: its CPUID flag reads clear and its CR4 bit is reserved", () => {
    const steps = [
      { op: "cpuid_features", args: { leaf: 7, subleaf: 0 }, expect: { result: "ok" } },
      { op: "write_cr", args: { cr: 4, value: "0x1000020" }, expect: { result: "ok" } },
    ];
    const { merged, old } = both("cr4", { ...hvm, cpu: { features: { pks: true } } }, steps);
    expect(merged[0]?.returns?.["feature.pks"]).toBe(true);
    expect(merged[1]).toMatchObject({ result: "ok" });
    expect(old[0]?.returns?.["feature.pks"]).toBe(false);
    expect(old[1]).toMatchObject({ result: "fault", fault: { vector: "#GP", errorCode: "0x0" } });
    // A feature both Xens know (PKU) is offered by both.
    expect(old[0]?.returns?.["feature.pku"]).toBe(merged[0]?.returns?.["feature.pku"]);
  });
});
