/**
 * Measures one core with tinybench: per group, one task that gives the core
 * the group's cases in turn, one case per call, after a warm-up. A call's
 * latency is from the call to its outcome, so a subprocess core's figures
 * include its protocol round trip.
 */
import type { CaseInput, Core } from "../../core/interface";
import type { BenchSettings, PerfGroup } from "../../spec/types/generated";
import { supportedInputs, type BenchGroup } from "./groups";

interface Tally {
  calls: number;
  steps: number;
  notObserved: number;
}

/** Rounds a figure to what its measurement can tell apart. */
const figure = (value: number): number => Number(value.toPrecision(4));

export async function measureCore(core: Core, groups: readonly BenchGroup[], settings: BenchSettings): Promise<PerfGroup[]> {
  const { Bench } = await import("tinybench");
  const bench = new Bench({
    time: settings.timeMs,
    iterations: settings.minSamples,
    warmupTime: settings.warmupMs,
    warmupIterations: settings.warmupIterations,
    throws: false,
  });
  const measured: { group: BenchGroup; inputs: CaseInput[]; tally: Tally }[] = [];
  const perf: PerfGroup[] = [];
  for (const group of groups) {
    const inputs = supportedInputs(group, core.description);
    const base = { kind: group.kind, name: group.name, inputs: inputs.length, unsupported: group.inputs.length - inputs.length };
    if (inputs.length === 0) {
      perf.push({ ...base, skipped: `core ${core.description.name} implements none of the ${group.inputs.length} cases` });
      continue;
    }
    const tally: Tally = { calls: 0, steps: 0, notObserved: 0 };
    let next = 0;
    bench.add(
      `${group.kind} ${group.name}`,
      async () => {
        const input = inputs[next]!;
        next = (next + 1) % inputs.length;
        const [outcome] = await core.run([input]);
        tally.calls++;
        tally.steps += input.steps.length;
        if (outcome?.kind !== "observed") tally.notObserved++;
      },
      // Only the timed phase counts: the warm-up's calls are not samples.
      { beforeAll: (mode) => void (mode === "run" && Object.assign(tally, { calls: 0, steps: 0, notObserved: 0 })) },
    );
    measured.push({ group, inputs, tally });
    perf.push(base);
  }
  await bench.run();
  for (const { group, tally } of measured) {
    const entry = perf.find((p) => p.kind === group.kind && p.name === group.name)!;
    const result = bench.getTask(`${group.kind} ${group.name}`)?.result;
    if (result === undefined || !("latency" in result)) {
      const why = result !== undefined && "error" in result ? result.error.message : `the measurement ended ${result?.state ?? "without a result"}`;
      entry.skipped = `core ${core.description.name} failed: ${why}`;
      continue;
    }
    const { latency } = result;
    const casesPerSecond = latency.mean > 0 ? 1000 / latency.mean : 0;
    Object.assign(entry, {
      samples: latency.samplesCount,
      casesPerSecond: figure(casesPerSecond),
      operationsPerSecond: figure(tally.calls > 0 ? (casesPerSecond * tally.steps) / tally.calls : 0),
      meanMs: figure(latency.mean),
      p50Ms: figure(latency.p50),
      p99Ms: figure(latency.p99),
      minMs: figure(latency.min),
      maxMs: figure(latency.max),
      rmePercent: figure(latency.rme),
      notObserved: tally.notObserved,
    } satisfies Partial<PerfGroup>);
  }
  return perf;
}
