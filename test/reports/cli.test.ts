import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Report } from "../../spec/types/generated";
import { countResults, resultsOk } from "../../spec/results";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, tempDir } from "../helpers";
import { FIXTURES } from "./fixtures";

describe("formats from the command line", () => {
  it("hvabi run --format writes each format beside report.json, GitHub annotations to the log", () => {
    const dir = tempDir();
    const result = runCli(["run", "test/fixtures/corpus", "--report-dir", dir, "--format", "junit", "--format", "markdown", "--format", "html", "--format", "github"]);
    expect(result.status).toBe(1);
    for (const file of ["report.json", "junit.xml", "summary.md", "report.html"]) expect(existsSync(join(dir, file)), file).toBe(true);
    expect(result.stdout).toContain("::error file=test/fixtures/corpus/gnttab/known-bug.json,title=hvabi fail%3A gnttab.fixture.known-bug [xen-4.22]::");
    expect(result.stdout).toContain(`wrote ${join(dir, "report.html")}`);
  });

  it("hvabi report derives every format from report.json files, several side by side", () => {
    const dir = tempDir();
    const report = join(FIXTURES, "html", "x86-report.json");
    const result = runCli(["report", report, report, "--format", `html=${join(dir, "both.html")}`, "--format", `junit=${join(dir, "both.xml")}`, "--format", "markdown"]);
    expect(result.stderr).toBe(`wrote ${join(dir, "both.html")}\nwrote ${join(dir, "both.xml")}\n`);
    expect(result.stdout).toContain("| fixture-core 1.0 (x86-report.json) #1 | 7 |");
    expect(readFileSync(join(dir, "both.html"), "utf8")).toContain('<th title="fixture-core 1.0 (x86-report.json) #2">fixture-core 1.0 (x86-report.json) #2</th>');
    // The reports hold results that are not OK: the command says so in its exit code.
    expect(result.status).toBe(1);
  });

  it("hvabi report shows one core's reports of different cases (one per area) as one column", () => {
    const dir = tempDir();
    const whole = JSON.parse(readFileSync(join(FIXTURES, "html", "x86-report.json"), "utf8")) as Report;
    const parts = ["pte", "cr4"].map((area) => {
      const results = whole.results.filter((result) => result.area === area);
      const counts = countResults(results);
      const file = join(dir, `${area}.json`);
      writeFileSync(file, JSON.stringify({ ...whole, results, counts, ok: resultsOk(counts) }));
      return file;
    });
    const result = runCli(["report", ...parts, "--format", "markdown"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("| fixture-core 1.0 | 7 | 3 | 1 | · | · | 1 | 1 | 1 | 2.0 s |");
    expect(result.stdout).not.toContain("### Side by side");
  });

  it("says plainly what is wrong with its input (exit 2)", () => {
    const bogus = runCli(["report", join(FIXTURES, "html", "x86-report.json"), "--format", "pdf"]);
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toContain("--format pdf: the format must be one of terminal, junit, markdown, github, html");
    const twice = runCli(["report", join(FIXTURES, "html", "x86-report.json"), "--format", "junit", "--format", "markdown"]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain("only one --format can go to standard output");
    const notReport = runCli(["report", join(FIXTURES, "html", "pte-clauses.json")]);
    expect(notReport.status).toBe(2);
    expect(notReport.stderr).toMatch(/pte-clauses\.json: not a valid hvabi report/);
    const tampered = join(tempDir(), "tampered.json");
    const report = JSON.parse(readFileSync(join(FIXTURES, "html", "x86-report.json"), "utf8")) as { counts: { fail: number; pass: number } };
    report.counts.fail = 0;
    report.counts.pass += 1;
    writeFileSync(tampered, JSON.stringify(report));
    const lying = runCli(["report", tampered, "--format", "markdown"]);
    expect(lying.status).toBe(2);
    expect(lying.stderr).toContain("tampered.json: its counts or verdict do not match its results");
    expect(lying.stdout).toBe("");
    const shard = runCli(["run", "test/fixtures/corpus", "--shard", "3/2"]);
    expect(shard.status).toBe(2);
    expect(shard.stderr).toContain("--shard 3/2: k must be between 1 and n");
  });
});

describe("docs/ci-workflow.example.yml", () => {
  it("uses only commands and options hvabi has", () => {
    const workflow = readFileSync(join(ROOT, "docs", "ci-workflow.example.yml"), "utf8");
    const help = runCli(["--help"]).stdout;
    const commands = [...workflow.matchAll(/hvabi (run|merge|report|diff)\b/g)].map((m) => m[1]!);
    expect(new Set(commands)).toEqual(new Set(["run", "merge", "report"]));
    for (const command of commands) expect(help).toContain(`  ${command} — `);
    const options = new Set([...workflow.matchAll(/ (--[a-z][a-z-]+)/g)].map((m) => m[1]!));
    expect(options.size).toBeGreaterThan(5);
    for (const option of options) expect(help, option).toContain(option);
  });
});
