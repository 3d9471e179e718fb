/**
 * The performance report as a table, cores side by side: one row per area and
 * per operation, for each core its throughput, mean and p99 latency and the
 * samples behind them, and each core's throughput as a ratio of the first's.
 * The terminal, Markdown and HTML renderings all draw this one table.
 */
import type { PerfGroup, PerfReport } from "../spec/types/generated";

export interface PerfColumn {
  /** Short name of the core, unique among the columns. */
  label: string;
  /** The core reference `--core` named it by (perf.json keeps it as `spec`). */
  coreRef: string;
}

export interface PerfCell {
  casesPerSecond: string;
  operationsPerSecond: string;
  meanMs: string;
  p99Ms: string;
  samples: string;
  /** This core's throughput over the first core's (empty for the first core). */
  ratio: string;
  /** Why there is no figure, or a caution about the figure. */
  note?: string;
  /** No case of the row is one this core implements. */
  unsupported?: boolean;
}

export interface PerfRow {
  kind: PerfGroup["kind"];
  name: string;
  /** Cases in their profiles, as the group holds them (the most any core was given). */
  inputs: number;
  cells: PerfCell[];
}

export interface PerfTable {
  columns: PerfColumn[];
  rows: PerfRow[];
}

/** Three significant digits, at least; thousands grouped. */
export function formatRate(value: number): string {
  return value >= 1000 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(3);
}

export function formatMs(value: number): string {
  if (value >= 100) return `${Math.round(value)} ms`;
  if (value >= 1) return `${value.toPrecision(3)} ms`;
  return `${(value * 1000).toPrecision(3)} µs`;
}

function columnsOf(perf: PerfReport): PerfColumn[] {
  const names = perf.cores.map(({ core }) => `${core.name} ${core.version}`);
  return perf.cores.map(({ spec: coreRef }, i) => ({ label: names.filter((n) => n === names[i]).length > 1 ? `${names[i]} (${coreRef})` : names[i]!, coreRef }));
}

function cellOf(group: PerfGroup | undefined, first: PerfGroup | undefined, isFirst: boolean): PerfCell {
  const empty = { casesPerSecond: "—", operationsPerSecond: "—", meanMs: "—", p99Ms: "—", samples: "—", ratio: "" };
  if (group === undefined) return { ...empty, note: "not measured" };
  if (group.skipped !== undefined || group.casesPerSecond === undefined) {
    return { ...empty, note: group.skipped ?? "not measured", ...(group.inputs === 0 && group.unsupported > 0 ? { unsupported: true } : {}) };
  }
  const notes: string[] = [];
  if (group.unsupported > 0) notes.push(`${group.inputs} of ${group.inputs + group.unsupported} cases (the rest not implemented)`);
  if ((group.notObserved ?? 0) > 0) notes.push(`${group.notObserved} of ${group.samples ?? 0} calls not observed (skipped, errors, crashes or time-outs)`);
  const comparable = !isFirst && first?.casesPerSecond !== undefined && first.casesPerSecond > 0 && first.inputs === group.inputs;
  return {
    casesPerSecond: formatRate(group.casesPerSecond),
    operationsPerSecond: formatRate(group.operationsPerSecond ?? 0),
    meanMs: formatMs(group.meanMs ?? 0),
    p99Ms: formatMs(group.p99Ms ?? 0),
    samples: String(group.samples ?? 0),
    ratio: comparable ? `${(group.casesPerSecond / first.casesPerSecond!).toFixed(2)}×` : isFirst ? "" : "—",
    ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
  };
}

export function perfTable(perf: PerfReport): PerfTable {
  const keys = new Map<string, { kind: PerfGroup["kind"]; name: string }>();
  for (const { groups } of perf.cores) for (const g of groups) keys.set(`${g.kind}\t${g.name}`, { kind: g.kind, name: g.name });
  const rows = [...keys.values()].map(({ kind, name }) => {
    const groups = perf.cores.map((core) => core.groups.find((g) => g.kind === kind && g.name === name));
    return {
      kind,
      name,
      inputs: Math.max(0, ...groups.map((g) => (g === undefined ? 0 : g.inputs + g.unsupported))),
      cells: groups.map((group, i) => cellOf(group, groups[0], i === 0)),
    };
  });
  return { columns: columnsOf(perf), rows };
}

/** What the reader must know about the figures: rows a core does not implement (one line per core), then each other caution. */
export function perfNotes(table: PerfTable): string[] {
  const notes = table.columns.flatMap((column, i) => {
    const absent = table.rows.filter((row) => row.cells[i]?.unsupported).map((row) => `${row.kind} ${row.name}`);
    return absent.length > 0 ? [`${column.label} implements no case of: ${absent.join(", ")}`] : [];
  });
  for (const row of table.rows) {
    row.cells.forEach((cell, i) => {
      if (cell.note !== undefined && !cell.unsupported) notes.push(`${row.kind} ${row.name}, ${table.columns[i]!.label}: ${cell.note}`);
    });
  }
  return notes;
}

/** One line on where and how the samples were taken. */
export function perfCircumstances(perf: PerfReport): string {
  const { host, settings } = perf.run;
  return (
    `hvabi ${perf.tool.version} · tinybench ${perf.tool.tinybench} · ${host.cpus} × ${host.cpuModel}, ${host.platform} ${host.arch}, node ${host.node} · ` +
    `load ${host.loadAverage.before.toFixed(2)} → ${host.loadAverage.after.toFixed(2)} · warm-up ${settings.warmupMs} ms, then ${settings.timeMs} ms and at least ${settings.minSamples} samples per row`
  );
}

export const PERF_NOTE =
  "A core answers per case: each sample is one case, from the call to its outcome (a subprocess core's includes one protocol round trip). " +
  "An operation's row holds the cases that end with it; ops/s counts every step of them. The ratio is a core's cases/s over the first core's, on the same cases.";
