/* eslint-disable @typescript-eslint/no-require-imports */
import type { Core } from "../../core/interface";
import { parseArgs } from "node:util";
import { casePaths, EXIT, asUsageError, UsageError, type Command } from "./common";
import { CORE_LIMIT_OPTIONS, coreLimitUsage, limitsFromOptions } from "./core-options";
import type { RenderContext } from "./outputs";
import type { RunOptions } from "../run";
import type { CoreRef } from "../core-kinds/core-kind";
import type { ProtocolLimits } from "../../core/protocol/settings";
import type { RunnerSettings } from "../../spec/types/generated";

function runnerDefaults(): RunnerSettings {
  const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
  return performanceSettings().runner;
}

/**
 * Worker threads start their own copy of the core, as far as its kind allows
 * (runner/core-kinds/): by default, only when --workers asks, or never.
 */
function parallelFor(ref: CoreRef, workers: number | undefined, limits: Partial<ProtocolLimits>): RunOptions["parallel"] {
  const { coreFormsWhere } = require("../resolve-core") as typeof import("../resolve-core");
  const threads = ref.kind.capabilities.workerThreads;
  if (threads === "never") {
    if (workers !== undefined && workers > 0) {
      throw new UsageError(`--workers: a core of kind ${ref.kind.name} (${ref.kind.usage.form}) does not run in worker threads; they apply to ${coreFormsWhere((kind) => kind.capabilities.workerThreads !== "never")}`);
    }
    return undefined;
  }
  return { core: ref.text, resolve: { limits }, workers: workers ?? (threads === "by-default" ? undefined : 0) };
}

/** The --format lines: the formats besides the terminal summary run always prints, and where each goes by default. */
function formatUsage(): string {
  const { formatNameList, formatsFor, TERMINAL_FORMAT } = require("../../reports/formats") as typeof import("../../reports/formats");
  const formats = formatsFor("conformance").filter((format) => format.name !== TERMINAL_FORMAT);
  const list = (items: readonly string[]): string => (items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);
  const files = formats.flatMap((format) => format.conformance?.defaultFile ?? []);
  const toStdout = formats.filter((format) => format.conformance?.defaultFile === undefined).map((format) => format.name);
  return `                    also write ${formatNameList(formats)} (repeatable); without =FILE,
                    ${list(files)} go in --report-dir${toStdout.length > 0 ? `, ${list(toStdout)} to stdout` : ""}`;
}

export const runCommand: Command = {
  summary: "run case files (default: the bundled cases/) against a core",
  get usage() {
    const { coreKindsUsage, coreFormsWhere } = require("../resolve-core") as typeof import("../resolve-core");
    return `  --core REF        the core to check (default: reference), one of:
${coreKindsUsage(" ".repeat(20))}
  --profile NAME    only this profile (repeatable; default: every profile a case applies to)
  --report-dir DIR  where report.json goes (default: hvabi-report)
  --detail all      keep expected-vs-observed steps for passing results too
  --batch-size N    cases per round trip to the core (default: ${runnerDefaults().batchCases})
  --workers N       worker threads besides the main thread (default: for a ${coreFormsWhere((kind) => kind.capabilities.workerThreads === "by-default")} core,
                    as many as the processors allow once a run has ${runnerDefaults().parallelMinFiles} files; 0 for other cores)
  --quiet           print only the final line
  --format NAME[=FILE]
${formatUsage()}
  --baseline FILE   exit 1 only on unexpected results: failures the baseline does not list,
                    and listed failures that now pass
  --update-baseline rewrite --baseline FILE so that this run is as expected
  --shard K/N       run only part K of N of the case files (a deterministic split)
  --durations-from REPORT
                    balance the shards by the durations recorded in a previous report.json
${coreLimitUsage()}`;
  },
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          core: { type: "string", default: "reference" },
          profile: { type: "string", multiple: true },
          "report-dir": { type: "string", default: "hvabi-report" },
          detail: { type: "string", default: "failures" },
          "batch-size": { type: "string" },
          workers: { type: "string" },
          quiet: { type: "boolean", default: false },
          format: { type: "string", multiple: true },
          baseline: { type: "string" },
          "update-baseline": { type: "boolean", default: false },
          shard: { type: "string" },
          "durations-from": { type: "string" },
          ...CORE_LIMIT_OPTIONS,
        },
      }),
    );
    if (values.detail !== "failures" && values.detail !== "all") throw new UsageError(`--detail must be "failures" or "all", not "${values.detail}"`);
    const batchSize = values["batch-size"] === undefined ? undefined : Number(values["batch-size"]);
    if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new UsageError("--batch-size must be a positive integer");
    const workers = values.workers === undefined ? undefined : Number(values.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) throw new UsageError("--workers must be a whole number (0 or more)");
    const limits = limitsFromOptions(values);

    const outputs = require("./outputs") as typeof import("./outputs");
    const { TERMINAL_FORMAT } = require("../../reports/formats") as typeof import("../../reports/formats");
    const formats = outputs.parseFormats(values.format, "conformance", values["report-dir"]);
    if (formats.some((request) => request.format.name === TERMINAL_FORMAT)) throw new UsageError(`--format ${TERMINAL_FORMAT}: hvabi run always prints the terminal summary`);
    const { parseShard, durationsByFile } = require("../shard") as typeof import("../shard");
    const shard = values.shard === undefined ? undefined : parseShard(values.shard);
    if (typeof shard === "string") throw new UsageError(shard);
    if (values["durations-from"] !== undefined && shard === undefined) throw new UsageError("--durations-from balances shards: give --shard K/N too");
    if (shard !== undefined && values["update-baseline"]) {
      throw new UsageError("--update-baseline needs the whole run: merge the shards, then `hvabi report merged.json --baseline FILE --update-baseline`");
    }
    const baseline = outputs.prepareBaseline(values.baseline, values["update-baseline"]);
    if (typeof baseline === "string") return outputs.inputProblem(baseline);
    let durations: Map<string, number> | undefined;
    if (values["durations-from"] !== undefined) {
      const previous = outputs.readReports([values["durations-from"]]);
      if (typeof previous === "string") return outputs.inputProblem(`--durations-from: ${previous}`);
      durations = durationsByFile(previous[0]!.report);
    }

    const { loadSpec } = require("../../spec") as typeof import("../../spec");
    const { runAndClose } = require("../run-core") as typeof import("../run-core");
    const { resolveCore, parseCoreRef } = require("../resolve-core") as typeof import("../resolve-core");
    const { CoreResolutionError } = require("../core-kinds/core-kind") as typeof import("../core-kinds/core-kind");
    const { writeReport } = require("../../reports/json") as typeof import("../../reports/json");
    const terminal = require("../../reports/terminal") as typeof import("../../reports/terminal");

    const spec = loadSpec();
    // The run keeps its results to the end; a heap allowed to grow 4× past them would be mostly garbage.
    const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
    (require("node:v8") as typeof import("node:v8")).setFlagsFromString(`--heap-growing-percent=${performanceSettings().runner.heapGrowingPercent}`);
    const unknownProfiles = (values.profile ?? []).filter((p) => !spec.profiles.has(p));
    if (unknownProfiles.length > 0) throw new UsageError(`unknown profile ${unknownProfiles.join(", ")}; known: ${[...spec.profiles.keys()].join(", ")}`);

    let core: Core;
    let parallel: RunOptions["parallel"];
    let threads: readonly number[] | undefined;
    try {
      const ref = parseCoreRef(values.core);
      parallel = parallelFor(ref, workers, limits);
      core = await resolveCore(ref, { limits });
    } catch (error) {
      if (error instanceof CoreResolutionError) {
        process.stderr.write(`hvabi: ${error.message}\n`);
        return EXIT.core;
      }
      throw error;
    }
    const report = await runAndClose(core, spec, {
      paths: casePaths(positionals),
      ...(values.profile ? { profiles: values.profile } : {}),
      ...(batchSize ? { batchSize } : {}),
      ...(parallel ? { parallel } : {}),
      onWarning: (message) => process.stderr.write(`hvabi: ${message}\n`),
      onThreads: (files) => (threads = files),
      detail: values.detail,
      ...(shard ? { shard: { ...shard, ...(durations ? { durations } : {}) } } : {}),
    });
    const written = writeReport(values["report-dir"], report);
    const color = terminal.shouldColor(process.stdout);
    const text = terminal.renderTerminal(report, { color });
    process.stdout.write(values.quiet ? `${text.trimEnd().split("\n").slice(-1).join("\n")}\n` : text);
    process.stdout.write(`report: ${written}\n`);
    if (threads !== undefined && !values.quiet) {
      process.stdout.write(`threads: the main thread ran ${threads[0]} case files, ${threads.length - 1} worker thread${threads.length === 2 ? "" : "s"} ${threads.slice(1).join(" + ")}\n`);
    }
    if (report.run.shard) {
      const { index, count, balance } = report.run.shard;
      process.stdout.write(`shard ${index}/${count}: balanced by ${balance === "durations" ? "recorded durations" : "count"}${durations && balance === "count" ? " (no file of --durations-from matched this run's files)" : ""}\n`);
    }
    const context: RenderContext = { color };
    if (baseline !== undefined) {
      const judged = outputs.judge(report, baseline);
      if (typeof judged === "string") return outputs.inputProblem(judged);
      if (judged.note) process.stdout.write(`${judged.note}\n`);
      context.gate = { verdict: judged.verdict, baseline: baseline.path };
    }
    const { labelReports } = require("../../reports/labels") as typeof import("../../reports/labels");
    for (const file of outputs.emitFormats(formats, labelReports([{ source: written, report }]), context)) process.stdout.write(`wrote ${file}\n`);
    if (context.gate) {
      const { renderGateTerminal } = require("../../reports/gate-terminal") as typeof import("../../reports/gate-terminal");
      const verdict = renderGateTerminal(context.gate.verdict, context.gate.baseline, { color });
      process.stdout.write(values.quiet ? `${verdict.trimEnd().split("\n").slice(-1).join("\n")}\n` : verdict);
      return context.gate.verdict.ok ? EXIT.ok : EXIT.unexpected;
    }
    return report.ok ? EXIT.ok : EXIT.unexpected;
  },
};
