/** The mutation summary: scores per area and per group of shared code, equivalents set aside, stale entries named. */
import { describe, expect, it } from "vitest";
import { areaOfSource, summarise, type EquivalentMutant, type MutationReport } from "../../scripts/mutation-summary";

const at = (line: number, start: number, end: number) => ({ start: { line, column: start }, end: { line, column: end } });

describe("mutation summary", () => {
  it("puts a file in its area, or in the group of code that shares it", () => {
    expect(areaOfSource("core/reference/xen/gnttab/ops.ts")).toBe("gnttab");
    expect(areaOfSource("core/reference/kvm/crpin/revision.ts")).toBe("crpin");
    expect(areaOfSource("core/reference/kvm/smm.ts")).toBe("shared kvm");
    expect(areaOfSource("core/reference/xen/x86/paging.ts")).toBe("shared xen");
    expect(areaOfSource("core/reference/xen/machine.ts")).toBe("shared xen");
    expect(areaOfSource("core/x86/layouts.ts")).toBe("shared x86");
    expect(areaOfSource("core/reference/index.ts")).toBe("shared");
    expect(areaOfSource("core\\reference\\kvm\\host.ts")).toBe("shared kvm");
    // The machines' area tables are shared code; an area's plug-in belongs to its area.
    expect(areaOfSource("core/reference/kvm/areas.ts")).toBe("shared kvm");
    expect(areaOfSource("core/reference/xen/areas.ts")).toBe("shared xen");
    expect(areaOfSource("core/reference/kvm/crpin/area.ts")).toBe("crpin");
    expect(areaOfSource("core/reference/kvm/crpin/machine-state.ts")).toBe("crpin");
  });

  it("scores killed over killed plus survived, sets listed equivalents aside and names stale entries", () => {
    const source = "const a = x > 0;\nreturn cached;\n";
    const report: MutationReport = {
      files: {
        "core/reference/xen/pte/ops.ts": {
          source,
          mutants: [
            { mutatorName: "EqualityOperator", replacement: "x >= 0", status: "Killed", location: at(1, 11, 16) },
            { mutatorName: "ConditionalExpression", replacement: "true", status: "Timeout", location: at(1, 11, 16) },
            { mutatorName: "ConditionalExpression", replacement: "false", status: "Survived", location: at(1, 11, 16) },
            { mutatorName: "BooleanLiteral", replacement: "!cached", status: "NoCoverage", location: at(2, 8, 14) },
            { mutatorName: "StringLiteral", replacement: '""', status: "CompileError", location: at(2, 8, 14) },
          ],
        },
        "core/reference/kvm/smm.ts": {
          source,
          mutants: [{ mutatorName: "ConditionalExpression", replacement: "false", status: "Survived", location: at(1, 11, 16) }],
        },
      },
    };
    const equivalent: EquivalentMutant = { file: "core/reference/xen/pte/ops.ts", mutator: "BooleanLiteral", original: "cached", replacement: "!cached", reason: "a cache" };
    const stale: EquivalentMutant = { ...equivalent, original: "gone", reason: "code since removed" };
    const { scores, survivors, stale: staleFound } = summarise(report, [equivalent, stale]);
    expect(scores).toEqual([
      { area: "pte", total: 4, killed: 2, survived: 1, equivalent: 1, score: (100 * 2) / 3 },
      { area: "shared kvm", total: 1, killed: 0, survived: 1, equivalent: 0, score: 0 },
    ]);
    expect(survivors.map((s) => `${s.file}:${s.line} ${s.original} ⇒ ${s.replacement}`)).toEqual([
      "core/reference/xen/pte/ops.ts:1 x > 0 ⇒ false",
      "core/reference/kvm/smm.ts:1 x > 0 ⇒ false",
    ]);
    expect(staleFound).toEqual([stale]);
  });
});
