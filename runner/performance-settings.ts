/** How the runner shares out its work and how `hvabi bench` measures: spec/data/performance.json, the one place these numbers live. */
import { loadSpec } from "../spec";
import type { BenchSettings, PerfDiffSettings, PerformanceSettings, RunnerSettings } from "../spec/types/generated";

export type { BenchSettings, PerfDiffSettings, RunnerSettings };

export function performanceSettings(): PerformanceSettings {
  return loadSpec().data<PerformanceSettings>("performance.json");
}
