/**
 * The table of output formats (reports/formats.ts) is what the commands offer:
 * names and default files do not collide, and run, report, bench and diff
 * list and accept exactly the formats that render their document.
 */
import { describe, expect, it } from "vitest";
import { formatsFor, REPORT_FORMATS, type FormatDocument } from "../../reports/formats";
import { runCli, tempDir } from "../helpers";

describe("the table of output formats", () => {
  it("names each format once, and gives no two renderings of a document the same default file", () => {
    const names = REPORT_FORMATS.map((format) => format.name);
    expect(new Set(names).size).toBe(names.length);
    for (const document of ["conformance", "performance"] as const) {
      const files = formatsFor(document).flatMap((format) => format[document]?.defaultFile ?? []);
      expect(new Set(files).size).toBe(files.length);
    }
    // Every format renders something.
    const documents: FormatDocument[] = ["conformance", "performance", "reportDiff", "perfDiff"];
    for (const format of REPORT_FORMATS) expect(documents.some((document) => format[document] !== undefined)).toBe(true);
  });

  it("is what the commands list and accept", () => {
    const conformance = formatsFor("conformance").map((format) => format.name);
    expect(runCli(["report", "--help"]).stdout).toContain(`${conformance.slice(0, -1).join(", ")} or ${conformance.at(-1)}`);
    const refused = runCli(["report", "report.json", "--format", "pdf"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`--format pdf: the format must be one of ${conformance.join(", ")}`);

    const performance = formatsFor("performance").map((format) => format.name);
    const bench = runCli(["bench", "--format", "junit", "--report-dir", tempDir()]);
    expect(bench.status).toBe(2);
    expect(bench.stderr).toContain(`--format junit: the format must be one of ${performance.join(", ")}`);

    const diff = runCli(["diff", "a.json", "b.json", "--format", "html"]);
    expect(diff.status).toBe(2);
    const diffNames = REPORT_FORMATS.filter((format) => format.reportDiff ?? format.perfDiff).map((format) => format.name);
    expect(diff.stderr).toContain(`--format must be ${diffNames.slice(0, -1).join(", ")} or ${diffNames.at(-1)}, not "html"`);
  });
});
