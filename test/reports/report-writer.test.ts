/** report.json is written a few results at a time, and reads exactly as JSON.stringify(report, null, 1) would. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CaseResult, Report } from "../../spec/types/generated";
import { readReport, reportText, writeReport } from "../../reports/json";
import { tempDir } from "../helpers";
import { BROKEN, CORPUS, runFixtures } from "./fixtures";

const whole = (report: Report): string => `${JSON.stringify(report, null, 1)}\n`;

describe("writing report.json", () => {
  it("writes the text of JSON.stringify(report, null, 1), failures, invalid files and steps included", async () => {
    const report = await runFixtures([BROKEN, CORPUS], { detail: "all" });
    expect([...reportText(report)].join("")).toBe(whole(report));
    const written = writeReport(tempDir(), report);
    expect(readFileSync(written, "utf8")).toBe(whole(report));
    expect(readReport(written)).toEqual(report);
  });

  it("writes a report without results, and one whose strings look like its own structure", async () => {
    const report = await runFixtures([CORPUS]);
    expect([...reportText({ ...report, results: [], counts: { ...report.counts } })].join("")).toBe(whole({ ...report, results: [] }));
    const tricky = { ...report, coreStderr: '\n "results": []\n ]}', results: report.results.map((r) => ({ ...r, title: '"results": [\n  {' })) };
    expect([...reportText(tricky)].join("")).toBe(whole(tricky));
  });

  it("writes a large report in pieces that together are the same text", async () => {
    const report = await runFixtures([CORPUS]);
    const many: CaseResult[] = Array.from({ length: 3000 }, (_, i) => ({ ...report.results[i % report.results.length]!, id: `gnttab.many.${i}` }));
    const large = { ...report, results: many };
    const pieces = [...reportText(large)];
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(whole(large));
  });
});
