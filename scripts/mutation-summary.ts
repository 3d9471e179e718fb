/**
 * Prints the mutation score per area from Stryker's JSON report
 * (out/mutation/mutation.json). A file belongs to the area whose folder holds
 * it (core/reference/<machine>/<area>/…); shared code is reported by who
 * shares it (see areaOfSource). It exits 1 when any group is below 90 %.
 * Survivors listed in test/mutation/equivalent-mutants/*.json (one
 * file per area, each entry with the reason it changes nothing observable
 * through the ABI) are not counted against the score; entries that match no
 * survivor are reported as stale.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AREAS } from "../spec";
import { packageRoot } from "../spec/paths";

interface Position {
  line: number;
  column: number;
}

interface MutantResult {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: Position; end: Position };
}

export interface MutationReport {
  files: Record<string, { source: string; mutants: MutantResult[] }>;
}

export interface EquivalentMutant {
  file: string;
  mutator: string;
  /** The mutated source text, whitespace collapsed. */
  original: string;
  replacement: string;
  reason: string;
}

export interface Survivor {
  file: string;
  line: number;
  mutator: string;
  original: string;
  replacement: string;
}

export interface AreaScore {
  area: string;
  total: number;
  killed: number;
  survived: number;
  equivalent: number;
  score: number;
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

const collapse = (text: string): string => text.replace(/\s+/g, " ").trim();

/**
 * The area whose folder holds the file; code the areas share is grouped by
 * who shares it (`shared kvm`, `shared xen`, `shared x86`, and `shared` for the
 * core's entry points), so a weak spot in shared code shows where it is.
 */
export function areaOfSource(path: string): string {
  const parts = path.replace(/\\/g, "/").split("/");
  const area = parts.find((part) => (AREAS as readonly string[]).includes(part));
  if (area !== undefined) return area;
  const owner = parts[parts.indexOf("reference") + 1];
  if (parts.includes("reference") && (owner === "kvm" || owner === "xen")) return `shared ${owner}`;
  if (parts.includes("x86") && !parts.includes("reference")) return "shared x86";
  return "shared";
}

function sourceSlice(source: string, { start, end }: MutantResult["location"]): string {
  const lines = source.split("\n");
  if (start.line === end.line) return lines[start.line - 1]!.slice(start.column - 1, end.column - 1);
  const middle = lines.slice(start.line, end.line - 1);
  return [lines[start.line - 1]!.slice(start.column - 1), ...middle, lines[end.line - 1]!.slice(0, end.column - 1)].join("\n");
}

const matches = (entry: EquivalentMutant, survivor: Survivor): boolean =>
  entry.file === survivor.file &&
  entry.mutator === survivor.mutator &&
  collapse(entry.original) === survivor.original &&
  collapse(entry.replacement) === survivor.replacement;

export function summarise(report: MutationReport, equivalents: readonly EquivalentMutant[]) {
  const tallies = new Map<string, AreaScore>();
  const remaining: Survivor[] = [];
  const used = new Set<EquivalentMutant>();
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const area = areaOfSource(file);
    const tally = tallies.get(area) ?? { area, total: 0, killed: 0, survived: 0, equivalent: 0, score: 100 };
    tallies.set(area, tally);
    for (const mutant of mutants) {
      if (DETECTED.has(mutant.status)) {
        tally.total++;
        tally.killed++;
      } else if (UNDETECTED.has(mutant.status)) {
        tally.total++;
        const survivor: Survivor = {
          file,
          line: mutant.location.start.line,
          mutator: mutant.mutatorName,
          original: collapse(sourceSlice(source, mutant.location)),
          replacement: collapse(mutant.replacement ?? ""),
        };
        const equivalent = equivalents.find((entry) => matches(entry, survivor));
        if (equivalent === undefined) {
          tally.survived++;
          remaining.push(survivor);
        } else {
          tally.equivalent++;
          used.add(equivalent);
        }
      }
    }
  }
  const scores = [...tallies.values()]
    .map((t) => ({ ...t, score: t.killed + t.survived === 0 ? 100 : (100 * t.killed) / (t.killed + t.survived) }))
    .sort((a, b) => a.area.localeCompare(b.area));
  return { scores, survivors: remaining, stale: equivalents.filter((entry) => !used.has(entry)) };
}

export function readEquivalents(dir: string): EquivalentMutant[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .flatMap((name) => (JSON.parse(readFileSync(join(dir, name), "utf8")) as { equivalents: EquivalentMutant[] }).equivalents);
}

if (require.main === module) {
  const root = packageRoot();
  const reportFile = process.argv[2] ?? join(root, "out", "mutation", "mutation.json");
  const equivalents = readEquivalents(join(root, "test", "mutation", "equivalent-mutants"));
  const { scores, survivors, stale } = summarise(JSON.parse(readFileSync(reportFile, "utf8")) as MutationReport, equivalents);
  console.log("area         mutants  killed  survived  equivalent  score");
  for (const s of scores) {
    console.log(
      `${s.area.padEnd(11)}  ${String(s.total).padStart(7)}  ${String(s.killed).padStart(6)}  ${String(s.survived).padStart(8)}  ${String(s.equivalent).padStart(10)}  ${s.score.toFixed(1).padStart(5)}%`,
    );
  }
  for (const s of survivors) console.log(`survived: ${s.file}:${s.line} ${s.mutator}: ${s.original} ⇒ ${s.replacement}`);
  for (const e of stale) console.log(`stale equivalent entry (matches no survivor): ${e.file} ${e.mutator}: ${e.original} ⇒ ${e.replacement}`);
  const below = scores.filter((s) => s.score < 90);
  if (below.length > 0) console.log(`below 90%: ${below.map((s) => s.area).join(", ")}`);
  process.exitCode = below.length > 0 ? 1 : 0;
}
