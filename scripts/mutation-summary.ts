/**
 * Prints the mutation score per area from Stryker's JSON report
 * (out/mutation/mutation.json). A file belongs to the area whose folder
 * holds it (core/reference/<machine>/<area>/…); everything else the
 * machines share is reported as "shared".
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AREAS } from "../spec";
import { packageRoot } from "../spec/paths";

interface MutantResult {
  status: string;
}

interface MutationReport {
  files: Record<string, { mutants: MutantResult[] }>;
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

export function areaOfSource(path: string): string {
  const parts = path.replace(/\\/g, "/").split("/");
  const area = parts.find((part) => (AREAS as readonly string[]).includes(part));
  return area ?? "shared";
}

export interface AreaScore {
  area: string;
  killed: number;
  survived: number;
  total: number;
  score: number;
}

export function scoresByArea(report: MutationReport): AreaScore[] {
  const byArea = new Map<string, { killed: number; survived: number }>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const tally = byArea.get(areaOfSource(file)) ?? { killed: 0, survived: 0 };
    for (const mutant of mutants) {
      if (DETECTED.has(mutant.status)) tally.killed++;
      else if (UNDETECTED.has(mutant.status)) tally.survived++;
    }
    byArea.set(areaOfSource(file), tally);
  }
  return [...byArea]
    .map(([area, { killed, survived }]) => ({ area, killed, survived, total: killed + survived, score: killed + survived === 0 ? 100 : (100 * killed) / (killed + survived) }))
    .sort((a, b) => a.area.localeCompare(b.area));
}

if (require.main === module) {
  const file = process.argv[2] ?? join(packageRoot(), "out", "mutation", "mutation.json");
  const scores = scoresByArea(JSON.parse(readFileSync(file, "utf8")) as MutationReport);
  console.log("area       mutants  killed  survived  score");
  for (const s of scores) {
    console.log(`${s.area.padEnd(9)}  ${String(s.total).padStart(7)}  ${String(s.killed).padStart(6)}  ${String(s.survived).padStart(8)}  ${s.score.toFixed(1).padStart(5)}%`);
  }
  const below = scores.filter((s) => s.score < 90);
  if (below.length > 0) {
    console.log(`below 90%: ${below.map((s) => s.area).join(", ")}`);
    process.exitCode = 1;
  }
}
