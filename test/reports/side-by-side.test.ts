import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import type { X86Layouts } from "../../spec/types/generated";
import { bitDifferences, bitSpecFrom, describeBitDifference, EXPECTED_OWNER, fieldLayout, layoutValue } from "../../reports/bits";
import { formatsFor } from "../../reports/formats";
import { renderGithub } from "../../reports/github";
import { renderHtml } from "../../reports/html";
import { caseData } from "../../reports/html/case-data";
import { buildModel } from "../../reports/html/model";
import { renderJUnit } from "../../reports/junit";
import { joinColumns, labelReports } from "../../reports/labels";
import { renderMarkdown } from "../../reports/markdown";
import { reportProblems } from "../../reports/json";
import { renderTerminal } from "../../reports/terminal";
import { compareReports, type ComparedRow, type SideBySide } from "../../reports/side-by-side";
import { fixtureHtmlSpec, labelled, threeCores } from "./fixtures";

const spec = loadSpec();
const bits = bitSpecFrom(spec);
const layouts = spec.data<X86Layouts>("x86/layouts.json").layouts;

const row = (model: SideBySide, id: string): ComparedRow => model.rows.find((r) => r.id === id)!;
const field = (model: SideBySide, id: string, name: string) => row(model, id).steps!.flatMap((s) => s.fields).find((f) => f.field === name)!;

describe("bit layouts of observed values (spec data, not code)", () => {
  it("finds a layout by the observable's key template, by an operation's argument, and by a fault's vector", () => {
    const name = (field: string, step = { op: "mmuext_op" }, values: unknown[] = []) => fieldLayout(bits, field, step, values)?.name;
    expect(name("state.d1.entry[0x10011][3]")).toBe("pte");
    expect(name("state.d2.vcpu[1].cr4")).toBe("cr4");
    expect(name("state.d1.vcpu[0].cr0")).toBe("cr0");
    expect(name("state.vcpu0.efer")).toBe("efer");
    expect(name("state.d1.vcpu[0].cr2")).toBeUndefined();
    expect(name("returns.value", { op: "read_cr", args: { cr: 4 } } as never)).toBe("cr4");
    expect(name("returns.value", { op: "read_cr", args: { cr: 0 } } as never)).toBe("cr0");
    expect(name("returns.value", { op: "read_cr", args: { cr: 3 } } as never)).toBeUndefined();
    expect(name("fault", undefined, [{ vector: "#GP", errorCode: "0x0" }, { vector: "#PF", errorCode: "0x9" }])).toBe("pfec");
    expect(name("fault", undefined, [{ vector: "#GP", errorCode: "0x0" }])).toBeUndefined();
  });

  it("reads a value as a number only where it has one of the layout", () => {
    const fault = fieldLayout(bits, "fault", { op: "mem_write" }, [{ vector: "#PF" }])!;
    expect(layoutValue(fault, { vector: "#PF", errorCode: "0xb" })).toBe(0xbn);
    expect(layoutValue(fault, { vector: "#GP", errorCode: "0x0" })).toBeUndefined();
    const pte = fieldLayout(bits, "state.d1.entry[0x10011][0]", { op: "mmu_update" })!;
    expect(layoutValue(pte, "0x10014027")).toBe(0x10014027n);
    expect(layoutValue(pte, null)).toBeUndefined();
    expect(layoutValue(pte, "10014027")).toBeUndefined();
  });

  it("names the bits where two values differ: single bits by field, fields of several bits by content, reserved bits alone", () => {
    const pte = layouts.pte!;
    const [a] = bitDifferences(pte, 0x10014027n, 0x10014007n);
    expect(a).toMatchObject({ name: "A", high: 5, low: 5, a: 1n, b: 0n });
    expect(describeBitDifference(a!, { label: "real-xen", kind: "core" }, { label: "hvabi-reference", kind: "core" })).toBe("A (bit 5): set by real-xen, clear in hvabi-reference");
    expect(describeBitDifference(a!, { label: "real-xen", kind: "core" }, EXPECTED_OWNER)).toBe("A (bit 5): set by real-xen, clear in the expected value");
    const [b] = bitDifferences(pte, 0x10014007n, 0x10014027n);
    expect(describeBitDifference(b!, EXPECTED_OWNER, { label: "real-xen", kind: "core" })).toBe("A (bit 5): set by real-xen, clear in the expected value");

    const frame = bitDifferences(pte, 0x8000000010015067n, 0x10014067n);
    expect(frame.map((d) => [d.name, d.high, d.low, d.a, d.b])).toEqual([["NX", 63, 63, 1n, 0n], ["FRAME", 51, 12, 0x10015n, 0x10014n]]);
    expect(describeBitDifference(frame[1]!, { label: "x", kind: "core" }, { label: "y", kind: "core" })).toBe("FRAME (bits 51–12): 0x10015 (x) versus 0x10014 (y)");

    // CR0 names no bit between NE (5) and WP (16): each differing one is reported alone, as reserved.
    const reserved = bitDifferences(layouts.cr0!, (1n << 7n) | (1n << 9n) | 1n, 1n);
    expect(reserved.map((d) => [d.name, d.high])).toEqual([[undefined, 9], [undefined, 7]]);
    expect(describeBitDifference(reserved[1]!, { label: "x", kind: "core" }, { label: "y", kind: "core" })).toBe("bit 7 (reserved): set by x, clear in y");
    // A #PF error code: W (bit 1).
    expect(bitDifferences(layouts.pfec!, 0x9n, 0xbn).map((d) => d.name)).toEqual(["W"]);
  });
});

describe("reports side by side", () => {
  const cores = threeCores();
  const model = compareReports(labelled(...cores), bits);

  it("the fixture reports are valid reports", () => {
    for (const report of cores) expect(reportProblems(report)).toEqual([]);
  });

  it("has one row per case and profile with each core's result", () => {
    expect(model.rows.map((r) => [r.id, r.cells.map((c) => c?.status ?? "—").join(" ")])).toEqual([
      ["cr4.fixture.read-cr4", "pass skip pass"],
      ["gnttab.fixture.frames", "pass pass skip"],
      ["gnttab.fixture.version", "pass pass pass"],
      ["pte.fixture.l3-adjust", "pass skip fail"],
      ["pte.fixture.present", "pass skip pass"],
      ["pte.fixture.write-fault", "pass skip fail"],
    ]);
  });

  it("sums up each core per area: pass, fail, error, skip and the share that ran", () => {
    const pte = model.summary.find((s) => s.area === "pte")!;
    expect(pte.rows).toBe(3);
    expect(pte.columns.map((c) => [c.pass, c.fail, c.error, c.skip, c.ran, c.results])).toEqual([[3, 0, 0, 0, 3, 3], [0, 0, 0, 3, 0, 3], [1, 2, 0, 0, 3, 3]]);
    expect(pte.disagreements).toBe(2);
    const total = model.summary.at(-1)!;
    expect(total.area).toBeUndefined();
    expect(total.columns.map((c) => `${c.ran}/${c.results}`)).toEqual(["6/6", "2/6", "5/6"]);
  });

  it("finds where the cores disagree: statuses among those that ran, or observations of the same field", () => {
    expect(model.disagreements.map((r) => r.id)).toEqual(["gnttab.fixture.frames", "pte.fixture.l3-adjust", "pte.fixture.write-fault"]);
    // A skip beside a pass differs, but is no disagreement: the skipping core said nothing.
    expect(row(model, "pte.fixture.present")).toMatchObject({ differs: true, disagree: false });
    expect(row(model, "gnttab.fixture.version")).toMatchObject({ differs: false, disagree: false });
    // Both pass, but their frame counts differ (a key the case does not compare).
    expect(row(model, "gnttab.fixture.frames")).toMatchObject({ statusesDiffer: false, observationsDiffer: true, disagree: true });
    expect(field(model, "gnttab.fixture.frames", "returns.frames").values).toEqual([
      { kind: "observed", value: 4 },
      { kind: "observed", value: 2 },
      { kind: "missing", why: "skipped: needs state d{n}.gnttab.frames, which real Xen does not show a guest" },
    ]);
  });

  it("decodes a PTE each core observed bit by bit, marking where real Xen differs from the reference", () => {
    const entry = field(model, "pte.fixture.l3-adjust", "state.d1.entry[0x10011][3]");
    expect(entry).toMatchObject({ disputed: true, mismatched: [false, false, true], expected: { value: "0x10014007" } });
    expect(entry.values[1]).toEqual({ kind: "missing", why: "skipped: core model-b does not implement area pte" });
    expect(entry.bits).toMatchObject({ layout: { name: "pte" }, expected: 0x10014007n, values: [0x10014007n, undefined, 0x10014027n], reference: 0 });
    expect(entry.bits!.pairs).toEqual([{ a: 2, b: 0, differences: [{ name: "A", description: expect.any(String), high: 5, low: 5, a: 1n, b: 0n }] }]);
    // Only the differing field is shown; the rest of the step and the agreeing step are counted.
    const steps = row(model, "pte.fixture.l3-adjust").steps!;
    expect(steps.map((s) => [s.index, s.fields.map((f) => f.field)])).toEqual([[1, ["state.d1.entry[0x10011][3]"]]]);
    expect(steps[0]!.agreeing).toBe(1);
  });

  it("decodes a #PF error code", () => {
    const fault = field(model, "pte.fixture.write-fault", "fault");
    expect(fault.bits!.layout.name).toBe("pfec");
    expect(fault.bits!.pairs.map((p) => p.differences.map((d) => d.name))).toEqual([["W"]]);
  });

  it("says why a core has no value rather than inventing one, and compares with the expected value when the reference kept no steps", () => {
    const [reference, modelB, real] = threeCores();
    delete reference.results.find((r) => r.id === "pte.fixture.l3-adjust")!.steps;
    const entry = field(compareReports(labelled(reference, modelB, real), bits), "pte.fixture.l3-adjust", "state.d1.entry[0x10011][3]");
    expect(entry.values[0]).toEqual({ kind: "missing", why: "passed; steps of passing results are kept only with --detail all" });
    expect(entry.bits).toMatchObject({ values: [undefined, undefined, 0x10014027n], reference: 2 });
    expect(entry.bits!.pairs.map((p) => [p.a, p.b, describeBitDifference(p.differences[0]!, { label: "real-xen", kind: "core" }, EXPECTED_OWNER)])).toEqual([
      [2, "expected", "A (bit 5): set by real-xen, clear in the expected value"],
    ]);
  });

  it("shows one core run in several reports (one per area) as one column", () => {
    const [reference, , real] = threeCores();
    const pteOnly = structuredClone(real);
    pteOnly.results = pteOnly.results.filter((r) => r.area === "pte");
    const rest = structuredClone(real);
    rest.results = rest.results.filter((r) => r.area !== "pte");
    const columns = labelReports([{ source: "ref.json", report: reference }, { source: "xen-pte.json", report: pteOnly }, { source: "xen-rest.json", report: rest }]);
    expect(columns.map((c) => [c.label, c.short, c.source, c.report.counts.total])).toEqual([
      ["hvabi-reference 1.0", "hvabi-reference", "ref.json", 6],
      ["real-xen 1.0", "real-xen", "xen-pte.json + xen-rest.json", 6],
    ]);
    expect(reportProblems(columns[1]!.report)).toEqual([]);
    expect(columns[1]!.report.results.map((r) => r.id)).toEqual(real.results.map((r) => r.id));
    // The same core twice over the same cases stays two columns: two runs to compare.
    expect(joinColumns([{ source: "a.json", report: real }, { source: "b.json", report: real }])).toHaveLength(2);
  });
});

describe("the side by side in Markdown", () => {
  const markdown = renderMarkdown(labelled(...threeCores()), { bits });

  it("has the summary per area and core, then each disagreement with the differing bits in words", () => {
    expect(markdown).toContain("| area | results | hvabi-reference | model-b | real-xen | disagree |");
    expect(markdown).toContain("| pte | 3 | 3 pass · ran 100 % | 3 skip · ran 0 % | 1 pass, 2 fail · ran 100 % | 2 |");
    expect(markdown).toContain("| **all areas** | 6 | 6 pass · ran 100 % | 2 pass, 4 skip · ran 33 % | 3 pass, 2 fail, 1 skip · ran 83 % | 3 |");
    expect(markdown).toContain("### Where the cores disagree (3)");
    expect(markdown).toContain(
      "- **pte.fixture.l3-adjust** \\[xen-4.22\\] (pte): hvabi-reference pass · model-b skip · real-xen fail\n" +
        "  - step 1 `mmuext_op`\n" +
        '    - `state.d1.entry[0x10011][3]`: expected `"0x10014007"`; hvabi-reference `"0x10014007"`; model-b — _skipped: core model-b does not implement area pte_; real-xen `"0x10014027"`\n' +
        "      - A (bit 5): set by real-xen, clear in hvabi-reference\n",
    );
    expect(markdown).toContain("      - W (bit 1): set by hvabi-reference, clear in real-xen\n");
  });
});

describe("the side by side in HTML", () => {
  const columns = labelled(...threeCores());
  const page = renderHtml(columns, fixtureHtmlSpec());

  it("draws each disagreement with a bit diagram marking the bits a core differs on, named", () => {
    const entry = /<article class="disagreement" id="diff-3"[\s\S]*?<\/article>/.exec(page)?.[0] ?? "";
    expect(entry).toContain('<figure class="bitcmp" data-layout="pte" data-field="state.d1.entry[0x10011][3]">');
    expect(entry).toMatch(/<tr data-row="2"><th scope="row">real-xen<\/th><td class="hex" title="0x0000000010014027"><code>0x10014027<\/code><\/td>/);
    expect(entry).toContain('<td class="b1 x" data-bit="5" title="A (bit 5): set by real-xen, clear in hvabi-reference">1</td>');
    expect(entry.match(/ x" data-bit/g)).toHaveLength(1);
    expect(entry).toMatch(/<th colspan="1" class=" x" title="A \(bit 5\): [^"]*">A<\/th>/);
    expect(entry).toContain("<li>A (bit 5): set by real-xen, clear in hvabi-reference</li>");
    expect(entry).toContain('<td class="missing" colspan="64">skipped: core model-b does not implement area pte</td>');
  });

  it("marks disagreeing rows and keeps every case view's steps in the page's data", () => {
    const model = buildModel(columns, fixtureHtmlSpec());
    const data = caseData(model, fixtureHtmlSpec().clauses, new Set([3]));
    expect(data.labels).toEqual(["hvabi-reference", "model-b", "real-xen"]);
    expect(data.rows.map((r) => [data.cases[r.c]!.id, r.disagree ?? 0, r.compared ?? 0])).toEqual([
      ["cr4.fixture.read-cr4", 0, 0],
      ["gnttab.fixture.frames", 1, 0],
      ["gnttab.fixture.version", 0, 0],
      ["pte.fixture.l3-adjust", 1, 1],
      ["pte.fixture.present", 0, 0],
      ["pte.fixture.write-fault", 1, 0],
    ]);
    const l3 = data.rows[3]!;
    const [, , expected, observed, mismatches] = (l3.cells[2] as { steps: number[][] }).steps[1]!;
    expect([data.values[expected!], data.values[observed!], data.values[mismatches!]]).toEqual([
      { result: "ok", state: { "d1.entry[0x10011][3]": "0x10014007" } },
      { result: "ok", state: { "d1.entry[0x10011][3]": "0x10014027" } },
      [{ field: "state.d1.entry[0x10011][3]", expected: "0x10014007", observed: "0x10014027" }],
    ]);
    // A value is stored once however often it appears.
    expect(new Set(data.values.map((v) => JSON.stringify(v))).size).toBe(data.values.length);
  });
});

describe("hostile strings in reports side by side", () => {
  const SCRIPT = "<script>alert(1)</script>";
  const REASON = "first line\n::error file=x::forged annotation";
  function hostile() {
    const [reference, modelB, real] = threeCores();
    real.core.name = `real ${SCRIPT}`;
    const l3 = real.results.find((r) => r.id === "pte.fixture.l3-adjust")!;
    l3.reason = REASON;
    l3.steps![1]!.observed!.state![`${SCRIPT}`] = `@everyone ${SCRIPT}`;
    reference.results.find((r) => r.id === "pte.fixture.l3-adjust")!.steps![1]!.observed!.state![`${SCRIPT}`] = "``` | `";
    modelB.results[0]!.reason = REASON;
    return labelled(reference, modelB, real);
  }

  it("HTML: a core name, a reason and values are text everywhere, markup and data", () => {
    const page = renderHtml(hostile(), fixtureHtmlSpec());
    expect(page).not.toContain(SCRIPT);
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page).toContain("real &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("real \\u003cscript\\u003ealert(1)\\u003c/script\\u003e");
  });

  it("Markdown: nothing reads as markup or a mention, and no line starts with what a reason put after its newline", () => {
    const markdown = renderMarkdown(hostile(), { bits });
    const outsideCode = markdown.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, "").replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
    expect(outsideCode).not.toMatch(/<script>|@everyone/);
    expect(outsideCode).toContain("real &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(markdown).not.toMatch(/^::/m);
    // A value in a code span cannot end it: the span's backticks outnumber any run inside.
    expect(markdown).toContain('````"``` | `"````');
  });

  it("JUnit, GitHub annotations and the terminal: the reason's newline cannot start a workflow command or break the XML", () => {
    const reports = hostile();
    // Annotations are hvabi's own commands, one a line; the reason is their message, its newline encoded.
    const github = renderGithub(reports);
    expect(github.split("\n").filter((line) => line !== "").every((line) => line.startsWith("::error file="))).toBe(true);
    expect(github).toContain("first line%0A::error file=x::forged annotation");
    const xml = renderJUnit(reports);
    expect(xml).not.toContain(SCRIPT);
    expect(xml).toContain("real &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(xml).toContain("first line\n\\::error file=x::forged annotation");
    const terminal = renderTerminal(reports[2]!.report, { color: false });
    expect(terminal).toContain("           first line\n           \\::error file=x::forged annotation\n");
    for (const text of [xml, terminal, renderHtml(reports, fixtureHtmlSpec()), renderMarkdown(reports, { bits })]) expect(text).not.toMatch(/^\s*::/m);
  });

  it("every format of the table but the GitHub annotations: no line a workflow command", () => {
    const reports = hostile();
    for (const format of formatsFor("conformance").filter((candidate) => candidate.name !== "github")) {
      expect(format.conformance!.render({ reports, color: false }), format.name).not.toMatch(/^\s*::/m);
    }
  });
});
