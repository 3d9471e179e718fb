/**
 * The HTML report in a real browser: Debian's Chromium (installed by
 * .ci/run with apt, never downloaded) driven by playwright-core. Screenshots
 * go to out/browser/ as test artifacts.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../spec/types/generated";
import { countResults, resultsOk } from "../../runner/run";
import { reportProblems } from "../../reports/json";
import { renderHtml } from "../../reports/html";
import { ROOT, tempDir } from "../helpers";
import { CORPUS, fixtureHtmlSpec, labelled, runFixtures, x86Report } from "../reports/fixtures";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const XSS_TITLE = "<img src=x onerror=alert(1)>";
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
    const profiles = await page.locator("tr.case-row:visible").evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.profile));
    expect(profiles.length).toBeGreaterThan(0);
    expect(new Set(profiles)).toEqual(new Set(["seed-proposals"]));

    await page.selectOption("#f-profile", "");
    await page.selectOption("#f-status", "differs");
    const differing = await page.locator("tr.case-row:visible a").allTextContents();
    expect(differing).toEqual(["pte.fixture.nx-without-nxe"]);

    await page.selectOption("#f-status", "fail");
    expect(await page.locator('table.matrix th[data-status="pass"]').first().isVisible()).toBe(false);
    // The fixture fails in xen-4.22 and in xen-4.17, which it applies to through xen-4.17's basedOn (a row of its own, naming its base).
    expect(await page.locator("tr.case-row:visible a").allTextContents()).toEqual(["gnttab.fixture.known-bug", "gnttab.fixture.known-bug", "pte.fixture.nx-without-nxe"]);
    expect(await page.locator('tr.case-row[data-profile="xen-4.17"]:visible').textContent()).toContain("from xen-4.22");

    await page.selectOption("#f-status", "");
    await page.click('a[data-filter-clause="FIXTURE-CR4-SMAP"]');
    expect(await page.locator("tr.case-row:visible a").allTextContents()).toEqual(["cr4.fixture.smap"]);
    await page.selectOption("#f-clause", "");
    expect(await page.locator("tr.case-row:visible").count()).toBe(await page.locator("tr.case-row").count());
  });

  it("opens a case view with its steps, expected beside observed, and its clauses with sentences and sources", async () => {
    await page.locator('tr.case-row[data-profile="xen-4.22"] a', { hasText: "gnttab.fixture.known-bug" }).click();
    const view = page.locator("article.case-view:target");
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
    await row.locator("a").click();
    expect(await page.locator("article.case-view:target h2").textContent()).toBe(XSS_TITLE);
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
