import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import type { Report } from "../../spec/types/generated";
import { judgeAgainstBaseline } from "../../reports/baseline";
import { renderGithub } from "../../reports/github";
import { renderHtml } from "../../reports/html";
import { readReport, writeReport } from "../../reports/json";
import { renderJUnit } from "../../reports/junit";
import { renderMarkdown } from "../../reports/markdown";
import { tempDir } from "../helpers";
import { BROKEN, CORPUS, FIXTURES, fixtureHtmlSpec, labelled, runFixtures, x86Report } from "./fixtures";

const XSS_TITLE = "<img src=x onerror=alert(1)>";
const XSD = readFileSync(join(FIXTURES, "junit", "junit.xsd"), "utf8");

async function validateJUnit(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: "junit.xml", contents: xml }], schema: [{ fileName: "junit.xsd", contents: XSD }] });
  return result.errors.map((e) => e.rawMessage);
}

/** Attribute values of every element with this name, in order. */
function elements(xml: string, name: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${name}( [^>]*)?/?>`, "g"))].map((match) =>
    Object.fromEntries([...(match[1] ?? "").matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])),
  );
}

let report: Report;

beforeAll(async () => {
  // Every format starts from a report.json on disk, as `hvabi report` reads it.
  report = readReport(writeReport(tempDir(), await runFixtures([BROKEN, CORPUS], { detail: "all" })));
  // The fixture run has what every format must handle: passes, a failure (in xen-4.22 and, inherited, in xen-4.17), invalid files.
  expect(report.counts).toMatchObject({ fail: 2, error: 3 });
});

describe("JUnit XML", () => {
  it("is accepted by the JUnit schema", async () => {
    expect(await validateJUnit(renderJUnit(labelled(report)))).toEqual([]);
  });

  it("the schema check is real: it refuses a document breaking the format", async () => {
    const broken = renderJUnit(labelled(report)).replace(/<testcase name="[^"]*"/, "<testcase");
    expect((await validateJUnit(broken)).join("\n")).toMatch(/name.*required/i);
  });

  it("has one testcase per result, grouped in one testsuite per area, with counts that add up", () => {
    const xml = renderJUnit(labelled(report, x86Report()));
    const testcases = elements(xml, "testcase");
    expect(testcases).toHaveLength(report.results.length + x86Report().results.length);
    const suites = elements(xml, "testsuite");
    expect(suites.map((s) => s.name)).toEqual(["hvabi-reference 0.1.0 · gnttab", "fixture-core 1.0 · cr4", "fixture-core 1.0 · pte"]);
    expect(suites.reduce((sum, s) => sum + Number(s.tests), 0)).toBe(testcases.length);
    const root = elements(xml, "testsuites")[0]!;
    expect(Number(root.failures)).toBe(report.counts.fail + x86Report().counts.fail);
    expect(Number(root.errors)).toBe(report.counts.error + x86Report().counts.crash + x86Report().counts.timeout);
  });

  it("puts expected versus observed into the failure text", () => {
    const xml = renderJUnit(labelled(report));
    const failure = /<failure message="([^"]*)" type="fail">([^<]*)<\/failure>/.exec(xml);
    expect(failure?.[1]).toBe("step 0 (boot): state.xen.gnttab.maxVersion expected 3, observed 1");
    expect(failure?.[2]).toContain('expected: {"result":"ok","log":[],"state":{"xen.gnttab.maxVersion":3}}');
    expect(failure?.[2]).toContain('observed: {"result":"ok","state":{"xen.gnttab.maxVersion":1},"log":[]}');
  });

  it("stays well-formed whatever a core prints (markup, control characters, lone surrogates)", async () => {
    const nasty = structuredClone(x86Report());
    nasty.coreStderr = "\u001b[31mred\u001b[0m </system-err> \ud800 & done";
    nasty.results[0]!.reason = `${XSS_TITLE}\u0000 ]]> "quoted" 'single'`;
    const xml = renderJUnit(labelled(nasty));
    expect(await validateJUnit(xml)).toEqual([]);
    expect(xml).toContain("\\u001b[31mred");
    expect(xml).not.toContain(XSS_TITLE);
  });
});

describe("Markdown summary", () => {
  it("gives the verdict, the counts, the failures with expected versus observed, and escapes case strings", () => {
    const markdown = renderMarkdown(labelled(report));
    expect(markdown).toMatch(/^## hvabi: ❌ 5 results did not pass/);
    expect(markdown).toContain("| hvabi-reference 0.1.0 | 24 | 19 | 2 | 3 | · | · | · | · |");
    expect(markdown).toContain("<summary>❌ fail · gnttab.fixture.known-bug [xen-4.22]");
    // The same case in xen-4.17, which it applies to through xen-4.17's basedOn: the account names the base.
    expect(markdown).toContain("fail: test/fixtures/corpus/gnttab/known-bug.json [xen-4.17 (from xen-4.22)]");
    expect(markdown).toContain('expected: {"result":"ok","log":[],"state":{"xen.gnttab.maxVersion":3}}');
  });

  it("leads with unexpected results when judged against a baseline", () => {
    const entries = ["xen-4.22", "xen-4.17"].map((profile) => ({ id: "gnttab.fixture.known-bug", profile, status: "fail" as const, reason: "tracked bug", issue: "BUG-1" }));
    const verdict = judgeAgainstBaseline(report, { baselineVersion: 1, entries });
    const markdown = renderMarkdown(labelled(report), { gate: { verdict, baseline: "baseline.json" } });
    expect(markdown).toMatch(/^## hvabi: ❌ 3 unexpected results \(3 new failures\)/);
    expect(markdown).toContain("- ❌ **new failure** gnttab.fixture.missing-steps");
    expect(markdown).toContain("  - gnttab.fixture.known-bug \\[xen-4.22\\]: fail — tracked bug (BUG-1)");
  });

  it("escapes a hostile string in every place it can appear", () => {
    const hostile = structuredClone(x86Report());
    hostile.results[0]!.id = "pte.fixture.<b>|*x*|";
    hostile.results[0]!.reason = "@everyone </summary><script>alert(1)</script> ```code``` | pipe";
    const verdict = judgeAgainstBaseline(hostile, { baselineVersion: 1, entries: [] });
    const markdown = renderMarkdown(labelled(hostile), { gate: { verdict, baseline: "b.json" } });
    // Inside fenced code blocks text is literal; everywhere else nothing may read as markup or a mention.
    const outsideCode = markdown.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, "");
    expect(outsideCode).not.toMatch(/<script>|<\/summary><|<b>|@everyone/);
    expect(outsideCode).toContain("&lt;/summary&gt;&lt;script&gt;");
    expect(outsideCode).toContain("pte.fixture.&lt;b&gt;\\|\\*x\\*\\|");
    expect(outsideCode).toContain("pte.fixture.&lt;b&gt;|*x*|");
    // The code fence outlasts any run of backticks in the text.
    expect(markdown).toContain("````text\nfail: cases/pte/nx-without-nxe.json");
  });
});

describe("GitHub annotations", () => {
  it("prints one error line per result that is neither a pass nor a skip, pointing at the case file", () => {
    const lines = renderGithub(labelled(report)).trimEnd().split("\n");
    expect(lines).toHaveLength(report.counts.fail + report.counts.error);
    for (const line of lines) expect(line).toMatch(/^::error file=test\/fixtures\/[a-z]+\/gnttab\/[a-z0-9-]+\.json[,:]/);
    expect(lines.find((l) => l.includes("syntax-error.json"))).toMatch(/^::error file=[^,]+,line=5,col=3,title=/);
    expect(lines.find((l) => l.includes("known-bug"))).toContain("title=hvabi fail%3A gnttab.fixture.known-bug [xen-4.22]::fail");
  });

  it("with a baseline, annotates only the unexpected results and warns about stale entries", () => {
    const verdict = judgeAgainstBaseline(report, {
      baselineVersion: 1,
      entries: [
        { id: "gnttab.fixture.known-bug", profile: "xen-4.22", status: "fail", reason: "tracked" },
        { id: "gnttab.fixture.known-bug", profile: "xen-4.17", status: "fail", reason: "tracked" },
        { id: "gnttab.fixture.missing-steps", profile: null, status: "error", reason: "on purpose" },
        { id: "gnttab.fixture.transitive-equals-0", profile: null, status: "error", reason: "on purpose" },
        { id: "gnttab.fixture.gone", profile: "xen-4.22", status: "fail", reason: "was removed" },
      ],
    });
    const lines = renderGithub(labelled(report), { gate: { verdict, baseline: "ci/baseline.json" } }).trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("::error"))).toHaveLength(1);
    expect(lines[0]).toContain("syntax-error.json");
    expect(lines[1]).toBe("::warning file=ci/baseline.json,title=hvabi stale baseline entry%3A gnttab.fixture.gone [xen-4.22]::no case with this id in this run; --update-baseline removes it");
  });

  it("cannot be broken out of: newlines and percent signs in messages, colons and commas in properties", () => {
    const hostile = structuredClone(x86Report());
    hostile.results[0]!.file = "cases/pte/a,b:c.json";
    hostile.results[0]!.reason = "100%\n::error::forged";
    const line = renderGithub(labelled(hostile)).split("\n")[0]!;
    expect(line.startsWith("::error file=cases/pte/a%2Cb%3Ac.json,title=")).toBe(true);
    expect(line).toContain("100%25%0A::error::forged");
  });
});

describe("HTML report", () => {
  it("is one self-contained file: no external script, style, font or image, and a policy forbidding fetches", () => {
    const page = renderHtml(labelled(report), fixtureHtmlSpec());
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/@import|url\(/i);
    expect(page).not.toMatch(/<img\b/i);
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1]?.replace(/&#39;/g, "'");
    const digest = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(policy).toBe(`default-src 'none'; style-src ${digest(style)}; script-src ${digest(script)}; base-uri 'none'; form-action 'none'`);
  });

  it("escapes a case title written as markup", () => {
    const page = renderHtml(labelled(report), fixtureHtmlSpec());
    expect(report.results.some((r) => r.title === XSS_TITLE)).toBe(true);
    expect(page).not.toContain(XSS_TITLE);
    // The case list and views are drawn from the page's data, where markup cannot open: the browser test draws it as text.
    expect(page).toContain("\\u003cimg src=x onerror=alert(1)\\u003e");
  });

  it("escapes every string from a core, including in the embedded data", () => {
    const hostile = structuredClone(x86Report());
    hostile.core.about = "</script><script>alert(1)</script>";
    hostile.results[0]!.profile = "</script><script>alert(2)</script>";
    hostile.results[5]!.stderr = "</pre><script>alert(3)</script>";
    const page = renderHtml(labelled(hostile), fixtureHtmlSpec());
    expect(page).not.toMatch(/<script>alert/);
    // The page's own script is the only executable script element.
    expect(page.match(/<script>/g)).toHaveLength(1);
  });
});
