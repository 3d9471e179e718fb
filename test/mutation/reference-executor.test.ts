/**
 * The reference core's executor beyond the cases: what it says it implements
 * (a runner skips the areas and operations a core does not name) and how it
 * answers an input no machine of it runs, or one that breaks it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseInput } from "../../core/interface";
import { loadSpec } from "../../spec";
import { defaultCasesDir } from "../../spec/paths";
import { caseInput } from "./case-input";
import { freshView } from "./fresh-view";

const casesDir = defaultCasesDir();
const areas = readdirSync(casesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const operationsUsed = new Set(
  areas.flatMap((area) =>
    readdirSync(join(casesDir, area))
      .filter((name) => name.endsWith(".json"))
      .flatMap((name) => (JSON.parse(readFileSync(join(casesDir, area, name), "utf8")) as { steps: { op: string }[] }).steps.map((step) => step.op)),
  ),
);

async function observe(config: object, steps: object[]) {
  const outcome = (await executor()).execute(caseInput("x.harness", "gnttab", "xen-4.22", config, steps));
  if (outcome.kind !== "observed") throw new Error(`${outcome.kind}: ${JSON.stringify(outcome)}`);
  return outcome.steps;
}

async function executor() {
  const { createReferenceExecutor } = await import("../../core/reference");
  return createReferenceExecutor(freshView(loadSpec()));
}

describe("reference executor", () => {
  it("describes itself: its name, every area with cases (and no other), every operation the cases use, once", async () => {
    const { description } = await executor();
    expect(description.name).toBe("hvabi-reference");
    expect(description.about).not.toBe("");
    expect([...description.areas].sort()).toEqual([...areas].sort());
    for (const op of operationsUsed) expect(description.operations, `operation ${op}`).toContain(op);
    expect(new Set(description.operations).size).toBe(description.operations.length);
  });

  it("names each plug-in of its machines once, in the order they run: the areas, and the Xen machinery they build on", async () => {
    const { XEN_AREAS } = await import("../../core/reference/xen/areas");
    const { KVM_AREAS } = await import("../../core/reference/kvm/areas");
    // Xen: the platform first, then the order a domain creation checks in (core/reference/xen/areas.ts).
    expect(XEN_AREAS.map((area) => area.name)).toEqual(["xen-platform", "gnttab", "xen-x86", "cr4", "ptshare", "smap", "pte"]);
    expect(KVM_AREAS.map((area) => area.name)).toEqual(["crpin"]);
  });

  it("skips a case for a hypervisor it has no machine for", async () => {
    const input = { id: "x.other-hypervisor", profile: "xen-4.22", config: { hypervisor: "bhyve" }, steps: [{ op: "boot" }] } as unknown as CaseInput;
    expect((await executor()).execute(input)).toEqual({ kind: "skipped", reason: "the reference core has no bhyve machine" });
  });

  it("reports its own failure as an internal error, with the stack", async () => {
    const input = { id: "x.broken", profile: "xen-4.22", config: { hypervisor: "xen" }, steps: [{ op: "boot" }] } as unknown as CaseInput;
    const outcome = (await executor()).execute(input);
    expect(outcome.kind).toBe("errored");
    expect(outcome.kind === "errored" ? outcome.message : "").toMatch(/^reference core internal error: TypeError: .*\n\s+at /);
  });

  // The case language's own operations and keys (spec/ops-xen.schema.json, spec/data/xen/observables.json,
  // spec/data/xen/model.json): conventions every core shares rather than Xen ABI, so no clause states them.
  describe("Xen harness operations", () => {
    const d1 = { domains: [{ domid: 1 }] };

    it("mem_write and mem_read give EFAULT past the end of the frame or on a frame the domain does not own", async () => {
      const steps = await observe(d1, [
        { op: "mem_write", args: { dom: 1, frame: "0x10005", offset: 4094, bytes: "aabb" }, expect: { result: "ok" } },
        { op: "mem_write", args: { dom: 1, frame: "0x10005", offset: 4095, bytes: "aabb" }, expect: { result: "ok" } },
        { op: "mem_write", args: { dom: 1, frame: "0x20005", bytes: "aa" }, expect: { result: "ok" } },
        { op: "mem_read", args: { dom: 1, frame: "0x10005", offset: 4094, length: 2 }, expect: { result: "ok" } },
        { op: "mem_read", args: { dom: 1, frame: "0x10005", offset: 4095, length: 2 }, expect: { result: "ok" } },
        { op: "mem_read", args: { dom: 1, frame: "0x20005", length: 1 }, expect: { result: "ok" } },
      ]);
      expect(steps).toEqual([
        { result: "ok" },
        { result: "EFAULT" },
        { result: "EFAULT" },
        { result: "ok", returns: { bytes: "aabb" } },
        { result: "EFAULT" },
        { result: "EFAULT" },
      ]);
    });

    it("reads a missing domain's type as null and says it owns nothing", async () => {
      const steps = await observe(d1, [
        { op: "boot", expect: { result: "ok", state: { "d1.type": "pv64", "d2.type": null, "d1.owns[0x10000]": true, "d2.owns[0x20000]": false, "d2.exists": false } } },
      ]);
      expect(steps[0]!.state).toEqual({ "d1.type": "pv64", "d2.type": null, "d1.owns[0x10000]": true, "d2.owns[0x20000]": false, "d2.exists": false });
    });

    it("creates a domain with a free id below DOMID_FIRST_RESERVED, refuses a used or reserved one, and gives DOMID_ANY the lowest free id", async () => {
      const create = (domid: number) => ({ op: "create_domain", args: { domid }, expect: { result: "ok" } });
      const steps = await observe({ domains: [{ domid: 1 }, { domid: 3 }] }, [
        create(32751),
        create(32752),
        create(3),
        create(32757),
        create(32757),
        create(32757),
      ]);
      expect(steps).toEqual([
        { result: "ok", returns: { domid: 32751 } },
        { result: "EEXIST" },
        { result: "EEXIST" },
        { result: "ok", returns: { domid: 2 } },
        { result: "ok", returns: { domid: 4 } },
        { result: "ok", returns: { domid: 5 } },
      ]);
    });
  });
});
