/** Reports and spec data the report tests share: runs of the fixture corpus on the reference core, and x86 fixture clauses with `covers`. */
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSpec } from "../../spec";
import type { CaseResult, ClauseCatalogue, Report, StepReport } from "../../spec/types/generated";
import { countResults, resultsOk } from "../../spec/results";
import { createReferenceExecutor } from "../../core/reference";
import { inProcessCore } from "../../core/adapters/in-process";
import { runSuite, type RunOptions } from "../../runner/run";
import { htmlSpecFrom, type HtmlSpec } from "../../reports/html";
import type { SpecClause } from "../../reports/html/model";
import { labelReports, type LabelledReport } from "../../reports/labels";
import { ROOT, tempDir } from "../helpers";

export const FIXTURES = join(ROOT, "test", "fixtures");
export const CORPUS = join(FIXTURES, "corpus");
export const BROKEN = join(FIXTURES, "broken");

/** Runs case paths on the reference core in this process. */
export async function runFixtures(paths: string[], options: Partial<RunOptions> = {}): Promise<Report> {
  const core = inProcessCore(createReferenceExecutor());
  try {
    return await runSuite(core, loadSpec(), { paths, ...options });
  } finally {
    await core.close();
  }
}

export const readJsonFile = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

/** A report of pte/cr4 results written by hand: fail, pass, skip, crash and timeout on clauses that cover bits. */
export const x86Report = (): Report => readJsonFile<Report>(join(FIXTURES, "html", "x86-report.json"));

/**
 * hvabi's spec data with the x86 fixture clauses as the only ones covering
 * register bits, so the bit diagrams the tests check do not move when the
 * real catalogues gain clauses.
 */
export function fixtureHtmlSpec(): HtmlSpec {
  const base = htmlSpecFrom(loadSpec());
  const clauses = new Map<string, SpecClause>([...base.clauses].filter(([, clause]) => (clause.covers ?? []).length === 0));
  for (const file of ["pte-clauses.json", "cr4-clauses.json"]) {
    const catalogue = readJsonFile<ClauseCatalogue>(join(FIXTURES, "html", file));
    for (const clause of catalogue.clauses) clauses.set(clause.id, { ...clause, area: catalogue.area });
  }
  return { ...base, clauses };
}

export const labelled = (...reports: Report[]): LabelledReport[] =>
  labelReports(reports.map((report, i) => ({ source: `report-${i + 1}.json`, report })));

/** A scratch copy of the fixture corpus, as `<dir>/cases/gnttab/*.json`, for tests that edit cases. */
export function corpusCopy(): string {
  const dir = tempDir("hvabi-corpus-");
  cpSync(CORPUS, join(dir, "cases"), { recursive: true });
  return dir;
}

/** A step as a report keeps it: what was expected, what was observed, and the fields the runner found differing. */
function step(index: number, op: string, args: Record<string, unknown>, expected: StepReport["expected"], observed: StepReport["observed"], mismatches: StepReport["mismatches"] = []): StepReport {
  return { index, op, args, expected, observed, mismatches };
}

function result(id: string, area: string, status: CaseResult["status"], extra: Partial<CaseResult> = {}): CaseResult {
  return { id, profile: "xen-4.22", file: `cases/${area}/${id.split(".").slice(1).join(".")}.json`, area, status, durationMs: 1, title: `The ${id} case`, clauses: [], polarity: "accept", ...extra };
}

function coreReport(name: string, about: string, areas: string[], results: CaseResult[]): Report {
  const counts = countResults(results);
  return {
    reportVersion: 1,
    tool: { name: "hvabi", version: "0.1.0" },
    core: { name, version: "1.0", profiles: ["xen-4.22"], areas, operations: [], about },
    run: { paths: ["cases"], profiles: ["xen-4.22"], startedAt: "2026-01-01T00:00:00.000Z", finishedAt: "2026-01-01T00:00:01.000Z", durationMs: 1000 },
    counts,
    ok: resultsOk(counts),
    results,
  };
}

const L3_ENTRY = "d1.entry[0x10011][3]";
const SET_L3 = { frame: "0x10011", index: 3, value: "0x10014001", dom: 1, vcpu: 0, cmd: 0 };
const BASEPTR = { cmd: "new_baseptr", mfn: "0x10011", dom: 1, vcpu: 0 };
const FAULTING_WRITE = { addr: "0x400000", dom: 1, vcpu: 0 };
const SKIPS_X86 = (area: string): string => `core model-b does not implement area ${area}`;

/**
 * Three cores side by side, as `hvabi report ref.json model-b.json real.json`
 * shows them: the reference model keeps every step (--detail all); model-b
 * implements gnttab only and skips the rest; real-xen (no --detail all, so
 * its passes carry no steps) sets the accessed bit, bit 5, of a PTE the
 * reference leaves clear, reports a #PF error code without W, skips a case it
 * cannot set up, and agrees elsewhere. model-b and the reference both pass a
 * gnttab case but return different frame counts.
 */
export function threeCores(): [Report, Report, Report] {
  const l3Expected = { result: "ok" as const, state: { [L3_ENTRY]: "0x10014007" } };
  const faultExpected = { result: "fault" as const, fault: { vector: "#PF" as const, errorCode: "0xb" } };
  const versionExpected = { result: "ok" as const, returns: { version: 2 } };
  const reference = coreReport("hvabi-reference", "The reference model", ["gnttab", "pte", "cr4"], [
    result("cr4.fixture.read-cr4", "cr4", "pass", { steps: [step(0, "read_cr", { cr: 4, dom: 1, vcpu: 0 }, { result: "ok", returns: { value: "0x3606e0" } }, { result: "ok", returns: { value: "0x3606e0" } })] }),
    result("gnttab.fixture.frames", "gnttab", "pass", { steps: [step(0, "gnttab_set_version", { version: 2, dom: 1 }, versionExpected, { result: "ok", returns: { version: 2, frames: 4 } })] }),
    result("gnttab.fixture.version", "gnttab", "pass", { steps: [step(0, "gnttab_get_version", { dom: 1 }, versionExpected, { result: "ok", returns: { version: 2 } })] }),
    result("pte.fixture.l3-adjust", "pte", "pass", {
      steps: [step(0, "mmu_update", SET_L3, { result: "ok" }, { result: "ok" }), step(1, "mmuext_op", BASEPTR, l3Expected, { result: "ok", state: { [L3_ENTRY]: "0x10014007" } })],
    }),
    result("pte.fixture.present", "pte", "pass", { steps: [step(0, "mmu_update", SET_L3, { result: "ok" }, { result: "ok" })] }),
    result("pte.fixture.write-fault", "pte", "pass", { steps: [step(0, "mem_write", FAULTING_WRITE, faultExpected, { result: "fault", fault: { vector: "#PF", errorCode: "0xb" } })] }),
  ]);
  const modelB = coreReport("model-b", "A second implementation: grant tables only", ["gnttab"], [
    result("cr4.fixture.read-cr4", "cr4", "skip", { reason: SKIPS_X86("cr4") }),
    result("gnttab.fixture.frames", "gnttab", "pass", { steps: [step(0, "gnttab_set_version", { version: 2, dom: 1 }, versionExpected, { result: "ok", returns: { version: 2, frames: 2 } })] }),
    result("gnttab.fixture.version", "gnttab", "pass", { steps: [step(0, "gnttab_get_version", { dom: 1 }, versionExpected, { result: "ok", returns: { version: 2 } })] }),
    result("pte.fixture.l3-adjust", "pte", "skip", { reason: SKIPS_X86("pte") }),
    result("pte.fixture.present", "pte", "skip", { reason: SKIPS_X86("pte") }),
    result("pte.fixture.write-fault", "pte", "skip", { reason: SKIPS_X86("pte") }),
  ]);
  const real = coreReport("real-xen", "Xen under QEMU", ["gnttab", "pte", "cr4"], [
    result("cr4.fixture.read-cr4", "cr4", "pass"),
    result("gnttab.fixture.frames", "gnttab", "skip", { reason: "needs state d{n}.gnttab.frames, which real Xen does not show a guest" }),
    result("gnttab.fixture.version", "gnttab", "pass"),
    result("pte.fixture.l3-adjust", "pte", "fail", {
      reason: `step 1 (mmuext_op): state.${L3_ENTRY} expected "0x10014007", observed "0x10014027"`,
      steps: [
        step(0, "mmu_update", SET_L3, { result: "ok" }, { result: "ok" }),
        step(1, "mmuext_op", BASEPTR, l3Expected, { result: "ok", state: { [L3_ENTRY]: "0x10014027" } }, [{ field: `state.${L3_ENTRY}`, expected: "0x10014007", observed: "0x10014027" }]),
      ],
    }),
    result("pte.fixture.present", "pte", "pass"),
    result("pte.fixture.write-fault", "pte", "fail", {
      reason: 'step 0 (mem_write): fault expected {"vector":"#PF","errorCode":"0xb"}, observed {"vector":"#PF","errorCode":"0x9"}',
      steps: [step(0, "mem_write", FAULTING_WRITE, faultExpected, { result: "fault", fault: { vector: "#PF", errorCode: "0x9" } }, [{ field: "fault", expected: faultExpected.fault, observed: { vector: "#PF", errorCode: "0x9" } }])],
    }),
  ]);
  return [reference, modelB, real];
}

/**
 * The committed suite as three cores report it: the reference model with
 * every step (--detail all); a second core implementing gnttab only; and a
 * "real" core keeping no steps of its passes (no --detail all), skipping
 * every HVM case and setting the accessed bit of the first PTE a case reads
 * back. Thousands of results each: what the HTML report must stay small and
 * quick with.
 */
export async function wholeSuiteThreeCores(): Promise<[Report, Report, Report]> {
  const reference = await runFixtures([join(ROOT, "cases")], { detail: "all" });
  const derive = (name: string, change: (result: CaseResult) => CaseResult): Report => {
    const results = structuredClone(reference.results).map(change);
    const counts = countResults(results);
    return { ...structuredClone(reference), core: { ...reference.core, name }, counts, ok: resultsOk(counts), results };
  };
  const skip = (result: CaseResult, reason: string): CaseResult => {
    const skipped: CaseResult = { ...result, status: "skip", reason };
    delete skipped.steps;
    return skipped;
  };
  const second = derive("second", (result) => (result.area === "gnttab" ? result : skip(result, `core second does not implement area ${result.area}`)));
  let flipped = false;
  const real = derive("real", (result) => {
    if (/hvm/.test(result.id ?? "")) return skip(result, "needs an HVM guest, which the real-Xen core does not build yet");
    const entry = flipped ? undefined : result.steps?.find((s) => Object.keys(s.observed?.state ?? {}).some((key) => /^d\d+\.entry\[/.test(key)));
    if (entry !== undefined) {
      flipped = true;
      const key = Object.keys(entry.observed!.state!).find((k) => /^d\d+\.entry\[/.test(k))!;
      const value = `0x${(BigInt(String(entry.observed!.state![key])) | 0x20n).toString(16)}`;
      entry.observed!.state![key] = value;
      return { ...result, status: "fail", reason: `state.${key} observed ${value}` };
    }
    if (result.status === "pass") delete result.steps;
    return result;
  });
  return [reference, second, real];
}
