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
});
