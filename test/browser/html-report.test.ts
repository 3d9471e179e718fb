/**
 * The HTML report in a real browser: Debian's Chromium (installed by
 * .ci/run with apt, never downloaded) driven by playwright-core. Screenshots
 * go to out/browser/ as test artifacts.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../spec/types/generated";
import { countResults, resultsOk } from "../../runner/run";
import { reportProblems } from "../../reports/json";
import { htmlSpecFrom, renderHtml } from "../../reports/html";
import { loadSpec } from "../../spec";
import { ROOT, tempDir } from "../helpers";
import { CORPUS, fixtureHtmlSpec, labelled, runFixtures, threeCores, wholeSuiteThreeCores, x86Report } from "../reports/fixtures";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const XSS_TITLE = "<img src=x onerror=alert(1)>";
/** A case's link in the list (a row may also link to its side-by-side entry), and the case view the script drew. */
const CASE_LINKS = 'tr.case-row:visible a[href^="#case-"]';
const OPEN_VIEW = "body.viewing article.case-view:not([hidden])";
const ARTIFACTS = join(ROOT, "out", "browser");
const onCi = Boolean(process.env.CI) && process.env.CI !== "false";
const available = existsSync(CHROMIUM);
const missing = `Chromium is not at ${CHROMIUM}; install Debian's package: apt-get update && apt-get install -y chromium`;

if (!available && !onCi) console.warn(`skipping the HTML report browser test: ${missing}`);

/** One core's report in two versions: gnttab results (with every step) plus the x86 fixture results; 1.1 fixes the NX failure. */
async function versions(): Promise<[Report, Report]> {
  const gnttab = await runFixtures([CORPUS], { detail: "all" });
  const make = (version: string, fixNx: boolean): Report => {
    const results = [...structuredClone(gnttab.results), ...x86Report().results];
    if (fixNx) results.find((r) => r.id === "pte.fixture.nx-without-nxe" && r.status === "fail")!.status = "pass";
    const counts = countResults(results);
    return { ...gnttab, core: { ...x86Report().core, version, areas: ["gnttab", "pte", "cr4"] }, counts, ok: resultsOk(counts), results };
  };
  const pair: [Report, Report] = [make("1.0", false), make("1.1", true)];
  for (const report of pair) expect(reportProblems(report)).toEqual([]);
  return pair;
}

describe.skipIf(!available && !onCi)("the HTML report in Chromium", () => {
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  let url: string;

  beforeAll(async () => {
    if (!available) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, "report.html");
    writeFileSync(file, renderHtml(labelled(...(await versions())), fixtureHtmlSpec()));
    url = pathToFileURL(file).href;
    context = await chromium.launchPersistentContext(tempDir("hvabi-chromium-"), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 1000 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (request) => requests.push(request.url()));
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  it("loads with no script error and fetches nothing but itself", async () => {
    await expect.poll(() => page.locator("#f-count").textContent()).toMatch(/^\d+ of \d+ results shown$/);
    expect(errors).toEqual([]);
    expect(requests.filter((r) => r !== url)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });
  });

  it("shows the counts of both reports side by side", async () => {
    const rows = page.locator("table.counts tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).locator("th").textContent()).toBe("fixture-core 1.0");
    expect(await rows.nth(1).locator("th").textContent()).toBe("fixture-core 1.1");
  });

  const matrixCell = (clause: string, status: string, column: number) =>
    page.locator(`tr.clause-row[data-clause-id="${clause}"] td.mcell[data-status="${status}"][data-col="${column}"]`);
  const nxBit = (column: number) => page.locator(`figure[data-register="pte"] td.bit[data-col="${column}"]`).first();

  it("has a matrix of area × clause × status per report, and a filter recounts it, hides rows and recolours bits", async () => {
    expect(await matrixCell("FIXTURE-PTE-NX", "fail", 0).textContent()).toBe("1");
    expect(await matrixCell("FIXTURE-PTE-NX", "fail", 1).textContent()).toBe("·");
    expect(await matrixCell("FIXTURE-PTE-NX", "pass", 0).textContent()).toBe("1");
    expect(await nxBit(0).getAttribute("class")).toContain("st-fail");
    expect(await nxBit(1).getAttribute("class")).toContain("st-pass");

    await page.selectOption("#f-profile", "seed-proposals");
    expect(await matrixCell("FIXTURE-PTE-NX", "fail", 0).textContent()).toBe("·");
    expect(await matrixCell("FIXTURE-PTE-NX", "pass", 0).textContent()).toBe("1");
    expect(await nxBit(0).getAttribute("class")).toContain("st-pass");
    // The profile is the third cell from the end of a row.
    const profiles = await page.locator("tr.case-row:visible").evaluateAll((rows) => rows.map((row) => (row as HTMLTableRowElement).cells[(row as HTMLTableRowElement).cells.length - 3]!.textContent));
    expect(profiles.length).toBeGreaterThan(0);
    expect(new Set(profiles)).toEqual(new Set(["seed-proposals"]));

    await page.selectOption("#f-profile", "");
    await page.selectOption("#f-status", "differs");
    const differing = await page.locator(CASE_LINKS).allTextContents();
    expect(differing).toEqual(["pte.fixture.nx-without-nxe"]);

    await page.selectOption("#f-status", "fail");
    expect(await page.locator('table.matrix th[data-status="pass"]').first().isVisible()).toBe(false);
    // The fixture fails in xen-4.22 and in xen-4.17, which it applies to through xen-4.17's basedOn (a row of its own, naming its base).
    expect(await page.locator(CASE_LINKS).allTextContents()).toEqual(["gnttab.fixture.known-bug", "gnttab.fixture.known-bug", "pte.fixture.nx-without-nxe"]);
    expect(await page.locator("tr.case-row:visible", { hasText: "from xen-4.22" }).allTextContents()).toEqual([expect.stringContaining("xen-4.17 from xen-4.22")]);

    await page.selectOption("#f-status", "");
    await page.click('a[data-filter-clause="FIXTURE-CR4-SMAP"]');
    expect(await page.locator(CASE_LINKS).allTextContents()).toEqual(["cr4.fixture.smap"]);
    await page.selectOption("#f-clause", "");
    expect(await page.locator("tr.case-row:visible").count()).toBe(await page.locator("tr.case-row").count());
  });

  it("opens a case view with its steps, expected beside observed, and its clauses with sentences and sources", async () => {
    // The first row of the fixture is its xen-4.22 one (a case's runs in its profiles' order).
    await page.locator(CASE_LINKS, { hasText: "gnttab.fixture.known-bug" }).first().click();
    const view = page.locator(OPEN_VIEW);
    await expect.poll(() => view.count()).toBe(1);
    expect(await page.locator("#matrix").isVisible()).toBe(false);
    const step = view.locator("table.steps tbody tr").first();
    expect(await step.locator("td.expected").textContent()).toContain('"xen.gnttab.maxVersion": 3');
    const observed = step.locator("td.observed");
    expect(await observed.count()).toBe(2);
    expect(await observed.first().textContent()).toContain('"xen.gnttab.maxVersion": 1');
    expect(await observed.first().getAttribute("class")).toContain("mismatch");
    expect(await view.locator(".clause h4").first().textContent()).toContain("GNTTAB-CMDLINE-MAXVER-ALIAS");
    expect(await view.locator(".clause .sentence").first().textContent()).toMatch(/\.$/);
    expect(await view.locator(".clause .sources li").first().textContent()).toBe("xen-pv-abi-facts G2");
    await page.screenshot({ path: join(ARTIFACTS, "case-view.png"), fullPage: true });

    await view.locator('a[href="#cases"]').click();
    expect(await page.locator("#matrix").isVisible()).toBe(true);
  });

  it("renders a case title written as markup as text, and runs none of it", async () => {
    const row = page.locator('tr.case-row[data-profile="xen-4.22"]', { hasText: "gnttab.fixture.markup-in-title" });
    expect(await row.locator("td.title").textContent()).toBe(XSS_TITLE);
    await row.locator('a[href^="#case-"]').click();
    expect(await page.locator(`${OPEN_VIEW} h2`).textContent()).toBe(XSS_TITLE);
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});

/** The three cores of the side-by-side fixture, model-b named with markup and skipping with a reason that breaks its line. */
function threeCoresHostile(): Report[] {
  const [reference, modelB, real] = threeCores();
  modelB.core.name = `model-b${SCRIPT}`;
  modelB.results.find((r) => r.id === "pte.fixture.present")!.reason = NEWLINE_REASON;
  return [reference, modelB, real];
}
const SCRIPT = "<script>alert(1)</script>";
const NEWLINE_REASON = "core model-b does not implement area pte\n::error::forged";

describe.skipIf(!available && !onCi)("three cores side by side in Chromium", () => {
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, "side-by-side.html");
    writeFileSync(file, renderHtml(labelled(...threeCoresHostile()), fixtureHtmlSpec()));
    context = await chromium.launchPersistentContext(tempDir("hvabi-chromium-"), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 1000 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.getElementById("f-count")?.textContent === "6 of 6 results shown");
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  it("sums up each core per area, the share that ran included", async () => {
    const heads = await page.locator("table.summary thead tr").first().locator("th").allTextContents();
    expect(heads).toEqual(["area", "results", "hvabi-reference", `model-b${SCRIPT}`, "real-xen", "disagree"]);
    const pte = page.locator('table.summary tr[data-area="pte"] td');
    expect(await pte.allTextContents()).toEqual(["3", "3", "·", "·", "·", "100 %", "·", "·", "·", "3", "0 %", "1", "2", "·", "·", "100 %", "2"]);
    await page.screenshot({ path: join(ARTIFACTS, "side-by-side.png"), fullPage: true });
  });

  it("filters the results where the cores disagree", async () => {
    await page.selectOption("#f-status", "disagree");
    expect(await page.locator(CASE_LINKS).allTextContents()).toEqual(["gnttab.fixture.frames", "pte.fixture.l3-adjust", "pte.fixture.write-fault"]);
    await page.selectOption("#f-status", "differs");
    expect(await page.locator(CASE_LINKS).count()).toBe(5);
    await page.selectOption("#f-status", "");
  });

  it("shows a skip's reason on hover, as text", async () => {
    const row = page.locator("tr.case-row", { has: page.locator('a[href^="#case-"]', { hasText: "pte.fixture.present" }) });
    expect(await row.locator(".badge").nth(1).getAttribute("title")).toBe(NEWLINE_REASON);
  });

  it("draws the PTE each core observed bit by bit and marks the accessed bit real Xen sets, by name", async () => {
    await page.locator(CASE_LINKS, { hasText: "pte.fixture.l3-adjust" }).locator("xpath=following-sibling::a").click();
    const figure = page.locator('article.disagreement:target figure.bitcmp[data-layout="pte"]');
    await expect.poll(() => figure.isVisible()).toBe(true);
    const marked = figure.locator("td.x");
    expect(await marked.count()).toBe(1);
    expect(await marked.getAttribute("data-bit")).toBe("5");
    expect(await marked.getAttribute("title")).toBe("A (bit 5): set by real-xen, clear in hvabi-reference");
    expect(await marked.locator("xpath=ancestor::tr").getAttribute("data-row")).toBe("2");
    expect(await figure.locator("thead th.x").textContent()).toBe("A");
    expect(await figure.locator(".bit-notes li").allTextContents()).toEqual(["A (bit 5): set by real-xen, clear in hvabi-reference"]);
    expect(await figure.locator('tr[data-row="1"] td.missing').textContent()).toBe("skipped: core model-b does not implement area pte");
    await figure.screenshot({ path: join(ARTIFACTS, "pte-bits.png") });
  });

  it("opens a case view with every core's observation, and says where a passing result kept no steps", async () => {
    await page.locator("article.disagreement:target h4 a").click();
    const view = page.locator(OPEN_VIEW);
    await expect.poll(() => view.locator("table.steps tbody tr").count()).toBe(2);
    const observed = view.locator("table.steps tbody tr").nth(1).locator("td.observed");
    expect(await observed.count()).toBe(3);
    expect(await observed.nth(2).getAttribute("class")).toContain("mismatch");
    expect(await observed.nth(2).textContent()).toContain('"d1.entry[0x10011][3]": "0x10014027"');
    expect(await observed.nth(1).textContent()).toBe("Skipped: core model-b does not implement area pte");

    await page.goto(`${page.url().split("#")[0]}#cases`);
    await page.locator(CASE_LINKS, { hasText: "pte.fixture.present" }).click();
    await expect.poll(() => view.locator(".no-steps").count()).toBe(0);
    expect(await view.locator("table.steps td.observed").nth(2).textContent()).toBe("Passed. Steps of passing results are kept only when the run used --detail all.");
    expect(await view.locator("table.results th").nth(1).textContent()).toBe(`model-b${SCRIPT}`);
  });

  it("runs nothing a report wrote", async () => {
    expect(await page.locator("script").count()).toBe(3);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!available && !onCi)("three reports of the whole suite in Chromium", () => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let total = 0;

  beforeAll(async () => {
    if (!available) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    const cores = await wholeSuiteThreeCores();
    total = cores[0].results.length;
    const file = join(ARTIFACTS, "whole-suite.html");
    writeFileSync(file, renderHtml(labelled(...cores), htmlSpecFrom(loadSpec())));
    context = await chromium.launchPersistentContext(tempDir("hvabi-chromium-"), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 1000 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(pathToFileURL(file).href);
    // How long the page took to open, kept beside it (not judged: CI machines vary): docs/reports-and-ci.md quotes it.
    const timing = await page.evaluate(() => {
      const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return { domContentLoadedMs: Math.round(navigation.domContentLoadedEventEnd), loadMs: Math.round(navigation.loadEventEnd) };
    });
    writeFileSync(join(ARTIFACTS, "whole-suite.timing.json"), `${JSON.stringify({ bytes: statSync(file).size, results: total, ...timing }, null, 2)}\n`);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  it("lists the cases a page at a time, and all of them when asked", async () => {
    await expect.poll(() => page.locator("#f-count").textContent()).toBe(`${total} of ${total} results shown (the first 250 listed)`);
    expect(await page.locator("tr.case-row").count()).toBe(250);
    await page.click("#cases-next");
    expect(await page.locator("tr.case-row").count()).toBe(500);
    await page.click("#cases-all");
    expect(await page.locator("tr.case-row").count()).toBe(total);
    expect(await page.locator("#cases-more").isVisible()).toBe(false);
    await page.selectOption("#f-status", "disagree");
    expect(await page.locator(CASE_LINKS).count()).toBe(1);
    expect(await page.locator("figure.bitcmp td.x").getAttribute("data-bit")).toBe("5");
    expect(errors).toEqual([]);
  });
});
