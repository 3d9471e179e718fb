/* eslint-disable @typescript-eslint/no-require-imports */
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { PerfCore, PerfReport } from "../../spec/types/generated";
import { asUsageError, casePaths, EXIT, UsageError, type Command } from "./common";
import { CORE_LIMIT_OPTIONS, coreLimitUsage, limitsFromOptions } from "./core-options";
import { emitPerfFormats, parseFormats } from "./outputs";

/** `markdown (perf.md) or html (perf.html)`: the formats of a performance report, with their default files. */
function performanceFormats(): string {
  const { formatsFor } = require("../../reports/formats") as typeof import("../../reports/formats");
  const named = formatsFor("performance").map((format) => `${format.name} (${format.performance?.defaultFile ?? "standard output"})`);
  return named.length < 2 ? (named[0] ?? "") : `${named.slice(0, -1).join(", ")} or ${named[named.length - 1]}`;
}

export const benchCommand: Command = {
  summary: "measure how fast cores run the same cases (tinybench): per area and per operation, side by side; writes perf.json",
  get usage() {
    const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
    const { bench } = performanceSettings();
    return `  --core REF        a core to measure, as for hvabi run (repeatable; default: reference); the first is the one the others are compared with
  --profile NAME    only this profile (repeatable; default: every profile a case applies to)
  --report-dir DIR  where perf.json goes (default: hvabi-report)
  --format NAME[=FILE]
                    also write ${performanceFormats()} (repeatable)
  --time MS         milliseconds of samples per measurement, after ${bench.warmupMs} ms of warm-up (default: ${bench.timeMs})
  --quiet           print only where perf.json went
${coreLimitUsage()}`;
  },
  async run(args) {
    const { values, positionals } = asUsageError(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          core: { type: "string", multiple: true },
          profile: { type: "string", multiple: true },
          "report-dir": { type: "string", default: "hvabi-report" },
          format: { type: "string", multiple: true },
          time: { type: "string" },
          quiet: { type: "boolean", default: false },
          ...CORE_LIMIT_OPTIONS,
        },
      }),
    );
    const formats = parseFormats(values.format, "performance", values["report-dir"]);
    const time = values.time === undefined ? undefined : Number(values.time);
    if (time !== undefined && !(Number.isInteger(time) && time > 0)) throw new UsageError("--time must be a positive whole number of milliseconds");
    const limits = limitsFromOptions(values);
    const coreRefs = values.core ?? ["reference"];

    const { loadSpec } = require("../../spec") as typeof import("../../spec");
    const { performanceSettings } = require("../performance-settings") as typeof import("../performance-settings");
    const { resolveCore } = require("../resolve-core") as typeof import("../resolve-core");
    const { CoreResolutionError } = require("../core-kinds/core-kind") as typeof import("../core-kinds/core-kind");
    const { benchCorpus } = require("../bench/groups") as typeof import("../bench/groups");
    const { measureCore } = require("../bench/measure") as typeof import("../bench/measure");
    const { packageVersion } = require("../../spec/paths") as typeof import("../../spec/paths");
    const spec = loadSpec();
    const unknownProfiles = (values.profile ?? []).filter((p) => !spec.profiles.has(p));
    if (unknownProfiles.length > 0) throw new UsageError(`unknown profile ${unknownProfiles.join(", ")}; known: ${[...spec.profiles.keys()].join(", ")}`);
    const settings = { ...performanceSettings().bench, ...(time === undefined ? {} : { timeMs: time }) };

    const tinybench = tinybenchVersion();
    const paths = casePaths(positionals);
    const corpus = benchCorpus(spec, paths, values.profile);
    const startedAt = new Date();
    const before = loadavg()[0]!;
    const cores: PerfCore[] = [];
    for (const coreRef of coreRefs) {
      let core;
      try {
        core = await resolveCore(coreRef, { limits });
      } catch (error) {
        if (error instanceof CoreResolutionError) {
          process.stderr.write(`hvabi: ${error.message}\n`);
          return EXIT.core;
        }
        throw error;
      }
      try {
        if (!values.quiet) process.stderr.write(`measuring ${core.description.name} ${core.description.version} (${coreRef}) on ${corpus.groups.length} groups…\n`);
        // perf.json names the core by its reference in `spec`, a field of the published format (spec/perf.schema.json).
        cores.push({ spec: coreRef, core: core.description, groups: await measureCore(core, corpus.groups, settings) });
      } finally {
        await core.close();
      }
    }
    const finishedAt = new Date();
    const perf: PerfReport = {
      perfVersion: 1,
      tool: { name: "hvabi", version: packageVersion(), tinybench },
      run: {
        paths,
        profiles: values.profile ?? null,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        settings,
        host: {
          platform: process.platform,
          arch: process.arch,
          cpuModel: cpus()[0]?.model.trim() ?? "unknown",
          cpus: availableParallelism(),
          node: process.version,
          loadAverage: { before, after: loadavg()[0]! },
        },
      },
      corpus: { files: corpus.files, invalid: corpus.invalid, inputs: corpus.inputs },
      cores,
    };
    const { writePerfReport } = require("../../reports/perf") as typeof import("../../reports/perf");
    const written = writePerfReport(values["report-dir"], perf);
    if (!values.quiet) {
      const { renderPerfTerminal } = require("../../reports/perf-render") as typeof import("../../reports/perf-render");
      process.stdout.write(renderPerfTerminal(perf));
    }
    process.stdout.write(`perf: ${written}\n`);
    for (const file of emitPerfFormats(formats, perf)) process.stdout.write(`wrote ${file}\n`);
    if (corpus.invalid > 0) process.stderr.write(`hvabi: ${corpus.invalid} case file(s) did not load and were not measured (hvabi run says why)\n`);
    return corpus.invalid > 0 ? EXIT.unexpected : EXIT.ok;
  },
};

/** tinybench's version, from the package.json beside its entry point (its exports do not list package.json). */
function tinybenchVersion(): string {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const { dirname } = require("node:path") as typeof import("node:path");
  const manifest = join(dirname(require.resolve("tinybench")), "..", "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}
