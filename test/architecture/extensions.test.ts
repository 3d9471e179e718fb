/**
 * Each "add X" checklist of docs/architecture.md, exercised: a throwaway
 * extension of each kind is registered the way the checklist says, and the
 * built CLI (node dist/runner/cli.js) is seen to use it. The registration is
 * made by a module node loads before the CLI (NODE_OPTIONS=--require), which
 * adds one entry to the table the checklist names, as the one line of source
 * a real extension adds would: nothing else is touched, so everything else the
 * CLI does with the extension follows from the table.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { PerfReport, Report } from "../../spec/types/generated";
import { ROOT, runCli, tempDir, writeTree, type CliRun } from "../helpers";

const FIXTURE_CASES = join("test", "fixtures", "protocol", "cases");

/** A module registering an extension, loaded before the CLI; `dist` is the built package it registers into. */
function preload(source: (dist: string) => string, dist = join(ROOT, "dist")): NodeJS.ProcessEnv {
  const file = join(tempDir(), "register.cjs");
  writeFileSync(file, source(dist));
  return { NODE_OPTIONS: `--require=${file}` };
}

const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;

describe("add a core kind: one entry in runner/core-kinds/index.ts", () => {
  // A kind named by its name and taking options after it, as `xen-qemu --xen ./xen` will: the reference core under another name.
  const env = preload(
    (dist) => `
const { CORE_KINDS } = require(${JSON.stringify(join(dist, "runner/core-kinds/index.js"))});
const { registerCoreKind, CoreRefError } = require(${JSON.stringify(join(dist, "runner/core-kinds/core-kind.js"))});
const { createReferenceExecutor } = require(${JSON.stringify(join(dist, "core/reference/index.js"))});
const { inProcessCore } = require(${JSON.stringify(join(dist, "core/adapters/in-process.js"))});
CORE_KINDS.push(registerCoreKind({
  name: "renamed",
  recognise: { by: "name" },
  usage: { form: "renamed --as NAME", runs: "the reference core under another name (a test-only kind)" },
  capabilities: { inProcess: true, workerThreads: "never" },
  parseOptions(argument) {
    const match = /^--as (\\S+)$/.exec(argument);
    if (match === null) throw new CoreRefError("renamed takes --as NAME, not \\"" + argument + "\\"");
    return { name: match[1] };
  },
  async start({ name }) {
    const reference = createReferenceExecutor();
    return inProcessCore({ description: { ...reference.description, name }, execute: (input) => reference.execute(input) });
  },
}));
`,
  );
  const cli = (args: string[]): CliRun => runCli(args, { env });

  it("is listed in the usage text and among the kinds an unknown core is told about", () => {
    expect(cli(["run", "--help"]).stdout).toMatch(/renamed --as NAME\s+the reference core under another name \(a test-only kind\)/);
    const unknown = cli(["run", "--core", "no-such-core", "--report-dir", tempDir()]);
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toContain('unknown core "no-such-core": use reference, ./core.js|.cjs|.mjs|.ts|.cts, exec:<program> [args…], xen-qemu [options] or renamed --as NAME');
  });

  it("runs the suite with the options after its name", () => {
    const out = tempDir();
    const run = cli(["run", FIXTURE_CASES, "--core", "renamed --as probe-core", "--report-dir", out]);
    expect(run.status).toBe(0);
    const report = readReport(out);
    expect(report.core.name).toBe("probe-core");
    expect(report.counts.total).toBeGreaterThan(0);
    expect(report.counts.pass).toBe(report.counts.total);
  });

  it("refuses options it does not take, and worker threads its capabilities rule out", () => {
    const bad = cli(["run", FIXTURE_CASES, "--core", "renamed", "--report-dir", tempDir()]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toContain('--core renamed: renamed takes --as NAME, not ""');
    const workers = cli(["run", FIXTURE_CASES, "--core", "renamed --as x", "--workers", "1", "--report-dir", tempDir()]);
    expect(workers.status).toBe(2);
    expect(workers.stderr).toContain("--workers: a core of kind renamed (renamed --as NAME) does not run in worker threads");
  });

  it("is served and checked through hvabi serve, being in hvabi's process", () => {
    const check = cli(["check-core", "renamed --as probe-core", FIXTURE_CASES]);
    expect(check.stdout).toContain("probe-core");
    expect(check.status).toBe(0);
  });
});

describe("add a report format: one entry in reports/formats.ts", () => {
  const env = preload(
    (dist) => `
const { REPORT_FORMATS } = require(${JSON.stringify(join(dist, "reports/formats.js"))});
REPORT_FORMATS.push({
  name: "csv",
  conformance: {
    defaultFile: "results.csv",
    render: ({ reports }) => reports.flatMap(({ report }) => report.results.map((r) => [r.id, r.profile, r.status].join(",") + "\\n")).join(""),
  },
  performance: {
    defaultFile: "perf.csv",
    render: (perf) => perf.cores.map((c) => [c.core.name, c.groups.length].join(",") + "\\n").join(""),
  },
});
`,
  );
  const cli = (args: string[]): CliRun => runCli(args, { env });
  const lines = (report: Report): string => report.results.map((r) => `${r.id},${r.profile},${r.status}\n`).join("");

  it("is offered by run and report, with its default file", () => {
    expect(cli(["run", "--help"]).stdout).toMatch(/also write junit, markdown, github, html or csv[\s\S]*junit\.xml, summary\.md, report\.html and results\.csv go in --report-dir/);
    expect(cli(["report", "--help"]).stdout).toContain("terminal, junit, markdown, github, html or csv");
  });

  it("is written by hvabi run into the report folder, and by hvabi report to standard output", () => {
    const out = tempDir();
    const run = cli(["run", FIXTURE_CASES, "--format", "csv", "--report-dir", out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`wrote ${join(out, "results.csv")}`);
    const report = readReport(out);
    expect(readFileSync(join(out, "results.csv"), "utf8")).toBe(lines(report));
    const again = cli(["report", join(out, "report.json"), "--format", "csv"]);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(lines(report));
  });

  it("renders a performance report for hvabi bench", () => {
    const out = tempDir();
    const bench = cli(["bench", FIXTURE_CASES, "--format", "csv", "--time", "1", "--quiet", "--report-dir", out]);
    expect(bench.status).toBe(0);
    const perf = JSON.parse(readFileSync(join(out, "perf.json"), "utf8")) as PerfReport;
    expect(readFileSync(join(out, "perf.csv"), "utf8")).toBe(`hvabi-reference,${perf.cores[0]!.groups.length}\n`);
  });
});

describe("add an area: the schema's area list, spec data, an operation, a machine plug-in", () => {
  /**
   * A copy of the built package whose spec gains the area `probe` the way the
   * checklist says: the name in common.schema.json, clauses and observables in
   * spec/data/areas/probe/, an operation schema listed in step.schema.json, a
   * profile covering it, the validators rebuilt, and a case in cases/probe/.
   */
  function packageWithProbeArea(): string {
    const root = tempDir();
    for (const part of ["package.json", "spec", "dist"]) cpSync(join(ROOT, part), join(root, part), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"), "dir");
    const edit = (file: string, change: (data: Record<string, unknown>) => void): void => {
      const path = join(root, "spec", file);
      const data = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      change(data);
      writeFileSync(path, JSON.stringify(data, null, 2));
    };
    edit("common.schema.json", (schema) => ((schema.$defs as { areaName: { enum: string[] } }).areaName.enum.push("probe")));
    edit("step.schema.json", (schema) => (schema.oneOf as object[]).push({ $ref: "ops-probe.schema.json#/$defs/probe_echo" }));
    edit("data/profiles.json", (catalogue) => (catalogue.profiles as { name: string; areas: string[] }[]).find((p) => p.name === "xen-4.22")!.areas.push("probe"));
    const files: Record<string, object> = {
      "ops-probe.schema.json": {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: "ops-probe.schema.json",
        title: "ProbeOperations",
        $defs: {
          probe_echo: {
            title: "ProbeEchoStep",
            type: "object",
            properties: {
              op: { const: "probe_echo" },
              args: { title: "ProbeEchoArgs", type: "object", properties: { value: { type: "string" } }, required: ["value"], additionalProperties: false },
              expect: { $ref: "expectation.schema.json" },
              expectByProfile: { $ref: "expectation.schema.json#/$defs/byProfile" },
              note: { type: "string" },
            },
            required: ["op", "args"],
            additionalProperties: false,
          },
        },
      },
      "data/areas/probe/clauses.json": {
        area: "probe",
        clauses: [{ id: "PROBE-ECHO", sentence: "probe_echo returns the value it was given.", profiles: ["xen-4.22"], sources: ["xen-pv-abi-facts G7"] }],
      },
      "data/areas/probe/observables.json": {
        scope: "probe",
        state: [],
        returns: { probe_echo: [{ key: "echo", type: "string", description: "The value given." }] },
      },
    };
    for (const [file, data] of Object.entries(files)) {
      mkdirSync(join(root, "spec", file, ".."), { recursive: true });
      writeFileSync(join(root, "spec", file), JSON.stringify(data, null, 2));
    }
    const built = spawnSync(process.execPath, [join(root, "dist", "scripts", "build-validators.js")], { encoding: "utf8" });
    if (built.status !== 0) throw new Error(`build-validators failed: ${built.stderr}`);
    const step = { op: "probe_echo", args: { value: "hello" }, expect: { result: "ok", returns: { echo: "hello" } } };
    const testCase = { id: "probe.echo.hello", title: "probe_echo echoes its value", clauses: ["PROBE-ECHO"], polarity: "accept", profiles: ["xen-4.22"], config: {}, steps: [step] };
    mkdirSync(join(root, "cases", "probe"), { recursive: true });
    writeFileSync(join(root, "cases", "probe", "echo.hello.json"), JSON.stringify(testCase, null, 2));
    return root;
  }

  it("runs the area's case once the reference core's Xen machine has the area's plug-in, and skips it without", () => {
    const root = packageWithProbeArea();
    const env = preload(
      (dist) => `
const { XEN_AREAS } = require(${JSON.stringify(join(dist, "core/reference/xen/areas.js"))});
XEN_AREAS.push({
  name: "probe",
  customParams: {},
  initOptions: () => undefined,
  operations: { probe_echo: (machine, args) => ({ result: "ok", returns: { echo: args.value } }) },
});
`,
      join(root, "dist"),
    );
    const run = (extra: NodeJS.ProcessEnv): { status: number | null; report: Report } => {
      const out = tempDir();
      const result = spawnSync(process.execPath, [join(root, "dist", "runner", "cli.js"), "run", join(root, "cases", "probe"), "--report-dir", out], {
        cwd: root,
        env: { ...process.env, NO_COLOR: "1", ...extra },
        encoding: "utf8",
      });
      if (result.status !== 0 && result.status !== 1) throw new Error(`hvabi run: ${result.stderr}`);
      return { status: result.status, report: readReport(out) };
    };

    const plugged = run(env);
    expect(plugged.report.results.map((r) => [r.id, r.profile, r.status])).toEqual([["probe.echo.hello", "xen-4.22", "pass"]]);
    expect(plugged.report.core.areas).toContain("probe");
    expect(plugged.status).toBe(0);

    const without = run({});
    expect(without.report.results.map((r) => r.status)).toEqual(["skip"]);
    expect(without.report.results[0]!.reason).toContain("does not implement area probe");
  });

  it("is refused as a case folder while the schema does not name it", () => {
    const step = { op: "physinfo", expect: { result: "ok" } };
    const dir = writeTree({ "probe/echo.hello.json": { id: "probe.echo.hello", title: "an area nobody declared", clauses: ["PROBE-ECHO"], polarity: "accept", profiles: ["xen-4.22"], config: {}, steps: [step] } });
    const out = tempDir();
    expect(runCli(["run", dir, "--report-dir", out]).status).toBe(1);
    expect(readReport(out).results[0]!.reason).toContain('"probe" is not an area');
  });
});
