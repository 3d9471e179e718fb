import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../spec/types/generated";
import { validator } from "../../spec/validation/validators";
import { judgeAgainstBaseline } from "../../reports/baseline";
import { reportProblems } from "../../reports/json";
import { renderHtml } from "../../reports/html";
import type { CaseData } from "../../reports/html/case-data";
import { buildModel, type BitDiagram, type HtmlModel } from "../../reports/html/model";
import { loadSpec } from "../../spec";
import { htmlSpecFrom } from "../../reports/html";
import { CORPUS, FIXTURES, fixtureHtmlSpec, labelled, readJsonFile, runFixtures, wholeSuiteThreeCores, x86Report } from "./fixtures";

/** The group drawing one bit of a register, in one diagram. */
function groupAt(diagram: BitDiagram, bit: number) {
  return diagram.rows.flat().find((group) => bit <= group.high && bit >= group.low)!;
}

function diagram(model: HtmlModel, register: string): BitDiagram {
  return model.diagrams.find((d) => d.register === register)!;
}

let gnttab: Report;

/** The data the page's script draws case views from, as embedded in the page. */
function pageData(page: string): CaseData {
  return JSON.parse(/<script type="application\/json" id="hvabi-cases">([^<]*)<\/script>/.exec(page)![1]!) as CaseData;
}

/** A row of the page's data by case id and profile. */
function dataRow(data: CaseData, id: string, profile = "xen-4.22") {
  return data.rows.find((row) => data.cases[row.c]!.id === id && row.profile === profile)!;
}

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
    expect(dataRow(pageData(page), "gnttab.fixture.known-bug").baseline).toEqual({ status: "fail", reason: "tracked", issue: "https://example.org/1" });
    expect(dataRow(pageData(page), "gnttab.fixture.known-bug", "xen-4.17")).toMatchObject({ from: "xen-4.22", baseline: { status: "fail", reason: "tracked" } });
    expect(page).toContain("as expected: 2 expected results, no unexpected result");
  });
});

// The page's script draws a case view from this data when it is opened (test/browser/html-report.test.ts draws them).
describe("case view data", () => {
  it("keeps no steps of a passing result run without --detail all (the view says so)", () => {
    const data = pageData(renderHtml(labelled(gnttab), fixtureHtmlSpec()));
    const cell = dataRow(data, "gnttab.fixture.override-ignores-bootloader").cells[0];
    expect(cell).toMatchObject({ s: "pass" });
    expect(cell).not.toHaveProperty("steps");
  });

  it("carries the clauses a case cites with their sentences and sources, with a link for code sources", () => {
    const data = pageData(renderHtml(labelled(x86Report()), fixtureHtmlSpec()));
    const nx = data.clauses["FIXTURE-PTE-NX"]!;
    expect(nx.sentence).toBe("A test fixture clause: NX set with EFER.NXE clear is a reserved-bit fault.");
    expect(nx.sources).toContainEqual(["xen-project/xen xen/arch/x86/mm.c get_page_from_l1e @ c447b7308b", "https://github.com/xen-project/xen/blob/c447b7308b/xen/arch/x86/mm.c"]);
    expect(Object.values(data.clauses).flatMap((clause) => clause.sources)).toContainEqual(["cr-pinning-and-x86-facts 74"]);
  });

  it("has no clause this hvabi's spec lacks (the view says so)", () => {
    const older = structuredClone(x86Report());
    older.results[0]!.clauses = ["PTE-REMOVED-LONG-AGO"];
    const data = pageData(renderHtml(labelled(older), fixtureHtmlSpec()));
    expect(data.cases[data.rows[0]!.c]!.clauses).toEqual(["PTE-REMOVED-LONG-AGO"]);
    expect(data.clauses["PTE-REMOVED-LONG-AGO"]).toBeUndefined();
  });

  it("keeps every step's expected and observed outcome with the fields that differ", () => {
    const data = pageData(renderHtml(labelled(x86Report()), fixtureHtmlSpec()));
    const cell = dataRow(data, "pte.fixture.nx-without-nxe").cells[0] as { steps: number[][] };
    const [op, , expected, observed, mismatches] = cell.steps[0]!;
    expect(data.values[op!]).toBe("mem_write");
    expect(data.values[expected!]).toMatchObject({ result: "fault", fault: { vector: "#PF", errorCode: "0xb" } });
    expect(observed).toBeGreaterThanOrEqual(0);
    expect(data.values[mismatches!]).toContainEqual({ field: "fault", expected: { vector: "#PF", errorCode: "0xb" }, observed: null });
  });
});

describe("size", () => {
  it("keeps three reports of the whole suite (thousands of results each, every step of one kept) within 3 MB", async () => {
    const cores = await wholeSuiteThreeCores();
    for (const report of cores) expect(reportProblems(report)).toEqual([]);
    expect(cores[0].results.length).toBeGreaterThan(2000);
    const page = renderHtml(labelled(...cores), htmlSpecFrom(loadSpec()));
    const bytes = Buffer.byteLength(page);
    expect(bytes).toBeLessThan(3 * 1024 * 1024);
    // The PTE real Xen reads back with its accessed bit set is drawn, bit 5 marked.
    expect(page).toMatch(/<td class="b1 x" data-bit="5" title="A \(bit 5\): set by real, clear in hvabi-reference">1<\/td>/);
  }, 120_000);
});
