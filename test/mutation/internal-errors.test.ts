/**
 * The reference core's internal consistency errors. They fire only when spec
 * data or the core's own wiring is inconsistent (someone edits
 * spec/data/x86/layouts.json, featureset.json or cpuid.json, or calls a PV
 * accessor on an HVM vCPU); no valid case reaches them. Whoever causes one
 * must be told what is missing, so each is checked here with data broken on
 * purpose, and the mutation run judges the guards with these tests.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layout } from "../../core/x86/layouts";
import { domainHas } from "../../core/reference/xen/x86/cpu-policy";
import { cpuFeatureByName } from "../../core/reference/xen/x86/host";
import { x86State } from "../../core/reference/xen/x86/domain-state";
import { XenVcpu } from "../../core/reference/xen/x86/vcpu";
import type { XenDomain } from "../../core/reference/xen/domain";
import { createReferenceExecutor } from "../../core/reference";
import { loadSpec, type Spec } from "../../spec";
import { packageRoot } from "../../spec/paths";
import type { Case, X86CpuidCatalogue, X86Layouts } from "../../spec/types/generated";
import { loadCaseText } from "../../runner/loader";
import { stripCase } from "../../runner/strip";
import { bootedMachine } from "../core/xen-machine";
import { freshView } from "./fresh-view";

/** A fresh view of the spec whose copy of one data file has been edited. */
function specWith<T>(file: string, edit: (data: T) => void): Spec {
  const view = freshView(loadSpec());
  edit(view.data<T>(file));
  return view;
}

describe("internal consistency errors", () => {
  it("name a layout spec/data/x86/layouts.json lacks", () => {
    const spec = specWith<X86Layouts>("x86/layouts.json", (data) => {
      delete (data.layouts as Record<string, unknown>).cr4;
    });
    expect(() => layout(spec, "cr4")).toThrow(new Error("spec/data/x86/layouts.json has no layout cr4"));
  });

  it("name a field a layout lacks", () => {
    const cr4 = layout(freshView(loadSpec()), "cr4");
    expect(() => cr4.bit("NO_SUCH_FIELD")).toThrow(new Error("layout cr4 has no field NO_SUCH_FIELD"));
    expect(() => cr4.mask("NO_SUCH_FIELD")).toThrow(new Error("layout cr4 has no field NO_SUCH_FIELD"));
  });

  it("name a feature the featureset lacks, and refuse to read a CR4 mirror as a capability", () => {
    const machine = bootedMachine();
    const subject = { type: "pv64" as const, extraFeatures: [] };
    expect(() => domainHas(machine, subject, "no_such_feature")).toThrow(new Error("spec/data/xen/featureset.json has no feature no_such_feature"));
    expect(() => domainHas(machine, subject, "ospke")).toThrow(new Error("ospke reports CR4 state, not a capability"));
  });

  it("name a CPU flag the configuration schema does not define", () => {
    expect(() => cpuFeatureByName(bootedMachine(), "no_such_flag")).toThrow(
      new Error('config.cpu.features has no flag "no_such_flag", which spec data names'),
    );
  });

  it("name a domain without x86 state and a vCPU of the other kind", () => {
    expect(() => x86State({ domid: 7 } as XenDomain)).toThrow(new Error("d7 has no x86 state"));
    const hvm = XenVcpu.hvm(0, { cr0: 0n, cr3: 0n, cr4: 0n, efer: 0n });
    expect(() => hvm.pv).toThrow(new Error("vCPU 0 is not a PV vCPU"));
    const pv = XenVcpu.pv(1, { ts: false, cr4: 0n, baseptr: null, userBaseptr: null, compatL4Slot0: 0n });
    expect(() => pv.hvm).toThrow(new Error("vCPU 1 is not an HVM vCPU"));
  });

  it("name a CPUID flag marked as a CR4 mirror that mirrors no CR4 field", () => {
    const spec = specWith<X86CpuidCatalogue>("x86/cpuid.json", (data) => {
      delete data.features.find((feature) => feature.name === "ospke")!.mirrorsCr4;
    });
    const file = join(packageRoot(), "cases", "cr4", "cpuid.hvm-ospke.json");
    const loaded = loadCaseText(file, readFileSync(file, "utf8"), loadSpec());
    if (!loaded.ok) throw new Error(`${file} does not load`);
    const input = stripCase(loaded.data as Case, loaded.area, "xen-4.22");
    const outcome = createReferenceExecutor(spec).execute(input);
    expect(outcome.kind).toBe("errored");
    expect(outcome.kind === "errored" && outcome.message).toContain("Error: ospke is special but mirrors no CR4 field\n");
  });
});
