import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../spec/types/generated";
import { validator } from "../../spec/validation/validators";
import { judgeAgainstBaseline } from "../../reports/baseline";
import { reportProblems } from "../../reports/json";
import { renderHtml } from "../../reports/html";
import { buildModel, type BitDiagram, type HtmlModel } from "../../reports/html/model";
import { CORPUS, FIXTURES, fixtureHtmlSpec, labelled, readJsonFile, runFixtures, x86Report } from "./fixtures";

/** The group drawing one bit of a register, in one diagram. */
function groupAt(diagram: BitDiagram, bit: number) {
  return diagram.rows.flat().find((group) => bit <= group.high && bit >= group.low)!;
}

function diagram(model: HtmlModel, register: string): BitDiagram {
  return model.diagrams.find((d) => d.register === register)!;
}

let gnttab: Report;

beforeAll(async () => {
  gnttab = await runFixtures([CORPUS]);
});

describe("fixtures", () => {
  it("the x86 clause catalogues and report match their schemas", () => {
    const validate = validator("clauses");
    for (const file of ["pte-clauses.json", "cr4-clauses.json"]) {
      const catalogue = readJsonFile<unknown>(join(FIXTURES, "html", file));
      expect(validate(catalogue) ? [] : validate.errors, file).toEqual([]);
    }
    expect(reportProblems(x86Report())).toEqual([]);
  });
});

describe("bit diagrams", () => {
  const model = buildModel(labelled(x86Report()), fixtureHtmlSpec());

  it("draws the PTE, CR4 and CR0 from spec/data/x86/layouts.json, high bits first in rows of 32", () => {
    expect(model.diagrams.map((d) => [d.register, d.layout.title, d.rows.length])).toEqual([
      ["pte", "4-level page-table entry", 2],
      ["cr4", "CR4", 2],
      ["cr0", "CR0", 2],
    ]);
    for (const d of model.diagrams) {
      const bits = d.rows.flat().flatMap((g) => Array.from({ length: g.high - g.low + 1 }, (_, i) => g.high - i));
      expect(bits).toEqual(Array.from({ length: 64 }, (_, i) => 63 - i));
    }
  });

  it("colours each bit by the worst result of the clauses covering it", () => {
    const pte = diagram(model, "pte");
    expect(groupAt(pte, 63)).toMatchObject({ field: "NX", states: ["fail"] });
    expect(groupAt(pte, 0)).toMatchObject({ field: "P", states: ["pass"] });
    expect(groupAt(pte, 2)).toMatchObject({ field: "US", states: ["untested"] });
    expect(groupAt(pte, 1)).toMatchObject({ field: "RW", states: ["uncovered"] });
    // A multi-bit field is one group while the same clauses cover all of it.
    expect(groupAt(pte, 60)).toMatchObject({ field: "PKEY", high: 62, low: 59, states: ["skip"] });
    expect(groupAt(diagram(model, "cr4"), 20)).toMatchObject({ field: "SMEP", states: ["pass"] });
    expect(groupAt(diagram(model, "cr4"), 21)).toMatchObject({ field: "SMAP", states: ["crash"] });
    expect(groupAt(diagram(model, "cr0"), 16)).toMatchObject({ field: "WP", states: ["timeout"] });
    // Bits no field names are drawn as reserved.
    expect(groupAt(diagram(model, "cr0"), 10)).toMatchObject({ low: 6, high: 15, states: ["uncovered"] });
    expect(groupAt(diagram(model, "cr0"), 10).field).toBeUndefined();
  });

  it("gives every report its own colours when several are side by side", () => {
    const fixed = structuredClone(x86Report());
    fixed.core.version = "1.1";
    fixed.results.find((r) => r.id === "pte.fixture.nx-without-nxe" && r.profile === "xen-4.22")!.status = "pass";
    const both = buildModel(labelled(x86Report(), fixed), fixtureHtmlSpec());
    expect(both.columns.map((c) => c.label)).toEqual(["fixture-core 1.0", "fixture-core 1.1"]);
    expect(groupAt(diagram(both, "pte"), 63).states).toEqual(["fail", "pass"]);
  });
});

describe("matrix and case rows", () => {
  it("counts results per clause, column, profile and status, and lists clauses no result cites", () => {
    const model = buildModel(labelled(x86Report()), fixtureHtmlSpec());
    const nx = model.clauses.find((c) => c.id === "FIXTURE-PTE-NX")!;
    expect(nx.counts).toEqual([{ "xen-4.22": { fail: 1 }, "seed-proposals": { pass: 1 } }]);
    expect(model.clauses.find((c) => c.id === "FIXTURE-PTE-USER")).toMatchObject({ inMatrix: true, counts: [{}] });
    // gnttab has no result here: its clauses stay out of the matrix.
    expect(model.clauses.some((c) => c.area === "gnttab")).toBe(false);
    expect(model.areas).toEqual(["cr4", "pte"]);
  });

  it("makes one row per case and profile across reports, with a gap where a report lacks the result", () => {
    const model = buildModel(labelled(gnttab, x86Report()), fixtureHtmlSpec());
    expect(model.cases).toHaveLength(gnttab.results.length + x86Report().results.length);
    const row = model.cases.find((r) => r.id === "pte.fixture.present")!;
    expect(row.cells.map((cell) => cell?.status)).toEqual([undefined, "pass"]);
  });

  it("marks rows the baseline expects", () => {
    const entries = ["xen-4.22", "xen-4.17"].map((profile) => ({ id: "gnttab.fixture.known-bug", profile, status: "fail" as const, reason: "tracked", issue: "https://example.org/1" }));
    const verdict = judgeAgainstBaseline(gnttab, { baselineVersion: 1, entries });
    const page = renderHtml(labelled(gnttab), fixtureHtmlSpec(), { gate: { verdict, baseline: "baseline.json" } });
    expect(page).toContain("baseline: fail");
    expect(page).toContain('expected fail: tracked (<a href="https://example.org/1" rel="noreferrer">https://example.org/1</a>)');
    expect(page).toContain("as expected: 2 expected results, no unexpected result");
  });
});

describe("case view", () => {
  it("says why a passing result has no steps rather than showing nothing", () => {
    const page = renderHtml(labelled(gnttab), fixtureHtmlSpec());
    expect(page).toContain("Steps of passing results are kept only when the run used <code>--detail all</code>.");
  });

  it("shows the clauses a case checks with their sentences and sources, linking code sources", () => {
    const page = renderHtml(labelled(x86Report()), fixtureHtmlSpec());
    expect(page).toContain("A test fixture clause: NX set with EFER.NXE clear is a reserved-bit fault.");
    expect(page).toContain('<a href="https://github.com/xen-project/xen/blob/c447b7308b/xen/arch/x86/mm.c" rel="noreferrer">xen-project/xen xen/arch/x86/mm.c get_page_from_l1e @ c447b7308b</a>');
    expect(page).toContain("<li>cr-pinning-and-x86-facts 74</li>");
  });

  it("says so when a cited clause is not in this hvabi's spec", () => {
    const older = structuredClone(x86Report());
    older.results[0]!.clauses = ["PTE-REMOVED-LONG-AGO"];
    expect(renderHtml(labelled(older), fixtureHtmlSpec())).toContain("This clause is not in this hvabi's spec");
  });

  it("puts expected and observed side by side with the fields that differ", () => {
    const page = renderHtml(labelled(x86Report()), fixtureHtmlSpec());
    expect(page).toMatch(/<td class="expected"><pre>\{\n {2}&quot;result&quot;: &quot;fault&quot;,[\s\S]*?<\/pre><\/td>\s*<td class="observed mismatch">/);
    expect(page).toContain("<li><code>fault</code>: expected <code>{\n  &quot;vector&quot;: &quot;#PF&quot;,\n  &quot;errorCode&quot;: &quot;0xb&quot;\n}</code>, observed <code>null</code></li>");
  });
});
