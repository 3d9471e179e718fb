/** Names for reports shown side by side: the core and its version, made unique with the file name where two agree. */
import { basename } from "node:path";
import type { CaseResult, Report } from "../spec/types/generated";

/**
 * A result's profile in words: `xen-4.22`, or for a case that applies only
 * through the profile's `basedOn`, `xen-4.17 (from xen-4.22)` — its
 * expectations are the base's unless the case gives the profile its own.
 */
export function profileLabel(result: Pick<CaseResult, "profile" | "inheritedFrom">): string {
  if (result.profile === null) return "";
  return result.inheritedFrom === undefined ? result.profile : `${result.profile} (from ${result.inheritedFrom})`;
}

export interface LabelledReport {
  /** Short column heading, unique among the reports given together. */
  label: string;
  /** Where the report came from (a file path), for messages and tooltips. */
  source: string;
  report: Report;
}

export function labelReports(inputs: readonly { source: string; report: Report }[]): LabelledReport[] {
  const base = inputs.map(({ report }) => `${report.core.name} ${report.core.version}`);
  const labels = inputs.map(({ source }, i) => (base.filter((b) => b === base[i]).length > 1 ? `${base[i]} (${basename(source)})` : base[i]!));
  // Same core and same file name (two folders' report.json): fall back to the position.
  return inputs.map((input, i) => ({
    ...input,
    label: labels.filter((l) => l === labels[i]).length > 1 ? `${labels[i]} #${i + 1}` : labels[i]!,
  }));
}
