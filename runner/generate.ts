/**
 * Writes large corpora for benchmarks and scale tests by varying the
 * committed cases (generate-variation.ts). A variant is kept only when it is
 * a valid case (schema and loader checks), the reference core runs it in
 * every profile, and what the template claims still holds of it (below).
 * Its expectations are then filled in by the reference core, and it is marked
 * `generated`: generated corpora are never committed.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { Spec } from "../spec";
import type { Case, Expectation, Outcome, StepObservation } from "../spec/types/generated";
import type { CaseExecutor } from "../core/interface";
import { executedRuns, type ProfileRun } from "./applicability";
import { expectationFor, outcomesOf } from "./case-checks";
import { compareStep } from "./compare";
import { discoverCaseFiles } from "./discover";
import { loadCaseData, loadCaseFile, type LoadedCase } from "./loader";
import { buildPools, variablesOf, varyCase, type ValuePools, type Variables } from "./generate-variation";
import { stripCase } from "./strip";

export interface GenerateOptions {
  /** Template case files or folders (default: the committed cases). */
  templates: string[];
  count: number;
  out: string;
  seed: number;
}

/** Why variants were thrown away, by reason. */
export interface Discarded {
  /** Not a valid case: the schema or the loader's checks refused it. */
  invalid: number;
  /** The reference core reported an error or skipped it in some profile. */
  notRun: number;
  /** The template's expectations no longer hold, so its clauses and polarity might not either. */
  claims: number;
  /** The same inputs as an earlier variant of the same template. */
  duplicate: number;
}

export interface GenerateSummary {
  written: number;
  discarded: Discarded;
  templates: number;
  /** Templates given up on: so many variants in a row were discarded that their values offer no more. */
  exhausted: number;
  /** Cases written per area. */
  byArea: Record<string, number>;
}

/** Variants discarded in a row before a template is given up on. */
const EXHAUSTED_AFTER = 64;

/** A small deterministic PRNG (mulberry32), so a seed always gives the same corpus. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The random source of one variant: a function of the seed, the template and the variant only. */
function variantRandom(seed: number, template: number, variant: number): () => number {
  const mixed = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(template + 1, 0xc2b2ae35) ^ Math.imul(variant + 1, 0x27d4eb2f);
  return randomSource(mixed);
}

/** The expectation a step gets from what the reference core observed, keeping the template's state keys and log. */
function expectationFrom(observed: StepObservation, template: Expectation | undefined): Outcome {
  const outcome: Outcome = { result: observed.result };
  if (observed.fault) outcome.fault = observed.fault;
  if (observed.status) outcome.status = observed.status;
  if (observed.returns && Object.keys(observed.returns).length > 0) outcome.returns = observed.returns;
  if (observed.state && Object.keys(observed.state).length > 0) outcome.state = observed.state;
  const wantsLog = template !== undefined && outcomesOf(template, "").some((o) => o.outcome.log !== undefined);
  if (wantsLog) outcome.log = observed.log ?? [];
  return outcome;
}

type Judgement = { kind: "kept"; data: Case } | { kind: "notRun" | "claims" };

/**
 * Runs the variant in every profile it runs in (inherited ones included). It keeps its template's clauses and
 * polarity only if every expectation of the template still holds of it:
 * the generator cannot read clause sentences, so it keeps only variants that
 * the template's own expectations prove to be on the same side.
 */
function judgeVariant(variant: LoadedCase, template: Case, executor: CaseExecutor): Judgement {
  const testCase = variant.data;
  // Every profile the variant runs in, inherited ones included (applicability.ts).
  const runs = executedRuns(variant.runs);
  const perProfile = new Map<string, StepObservation[]>();
  for (const { profile, inheritedFrom } of runs) {
    const outcome = executor.execute(stripCase(testCase, variant.area, profile, inheritedFrom));
    if (outcome instanceof Promise || outcome.kind !== "observed") return { kind: "notRun" };
    const holds = template.steps.every((step, index) => {
      const expected = expectationFor(step, profile, inheritedFrom);
      const observed = outcome.steps[index];
      return expected !== undefined && observed !== undefined && compareStep(expected, observed).length === 0;
    });
    if (!holds) return { kind: "claims" };
    perProfile.set(profile, outcome.steps);
  }
  const steps = testCase.steps.map((step, index) => {
    const { expect: _expect, expectByProfile: _byProfile, ...rest } = step;
    const observedIn = ({ profile, inheritedFrom }: ProfileRun): Outcome =>
      expectationFrom(perProfile.get(profile)![index]!, expectationFor(step, profile, inheritedFrom));
    const own = Object.fromEntries(runs.filter((run) => run.inheritedFrom === undefined).map((run) => [run.profile, observedIn(run)]));
    // An inherited profile gets an expectation of its own only where it differs from its base's.
    const inherited = Object.fromEntries(
      runs
        .filter((run) => run.inheritedFrom !== undefined)
        .map((run) => [run.profile, observedIn(run)] as const)
        .filter(([profile, expectation]) => JSON.stringify(expectation) !== JSON.stringify(own[runs.find((run) => run.profile === profile)!.inheritedFrom!])),
    );
    const distinct = new Set(Object.values(own).map((e) => JSON.stringify(e)));
    const extra = Object.keys(inherited).length > 0;
    if (distinct.size === 1) return { ...rest, expect: Object.values(own)[0], ...(extra ? { expectByProfile: inherited } : {}) };
    return { ...rest, expectByProfile: { ...own, ...inherited } };
  });
  return { kind: "kept", data: { ...testCase, steps } as Case };
}

/** Generated cases must never land among committed ones: refuse an output folder inside the templates. */
export function outputProblem(out: string, templates: readonly string[]): string | undefined {
  const target = resolve(out);
  for (const template of templates) {
    const rel = relative(resolve(template), target);
    if (rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && !rel.includes(`${sep}..`))) {
      return `--out ${out} is inside the template folder ${template}: generated cases are never mixed with committed ones (use out/ or a temporary folder)`;
    }
  }
  return undefined;
}

/** What every template's variants are made from. */
export interface GenerationContext {
  spec: Spec;
  executor: CaseExecutor;
  pools: ValuePools;
  seed: number;
}

/**
 * The variants of one template that are kept, in order. They depend only on
 * the seed, the template, its position and the corpus's values, never on the
 * other templates, so templates can be shared out among workers and still give
 * the same corpus.
 */
export class TemplateVariants {
  private next = 0;
  private readonly seen = new Set<string>();
  private readonly variables: Variables;
  exhausted = false;

  constructor(
    private readonly context: GenerationContext,
    readonly position: number,
    readonly template: LoadedCase,
  ) {
    this.variables = variablesOf(template.area, template.data, context.pools);
  }

  /** The next variant kept, or undefined once {@link EXHAUSTED_AFTER} in a row were discarded. */
  nextKept(discarded: Discarded): Case | undefined {
    for (let misses = 0; !this.exhausted; ) {
      const outcome = this.attempt(this.next++);
      if (typeof outcome !== "string") return outcome;
      discarded[outcome]++;
      if (++misses >= EXHAUSTED_AFTER) this.exhausted = true;
    }
    return undefined;
  }

  private attempt(variant: number): Case | keyof Discarded {
    const { spec, executor, seed } = this.context;
    const { $schema: _schema, ...base } = this.template.data;
    const { area } = this.template;
    // Variant 0 is the template itself, so every template is in every corpus large enough.
    const variation = variant === 0 ? { key: "", inputs: { config: base.config, steps: base.steps } } : varyCase(base, this.variables, variantRandom(seed, this.position, variant));
    if (variation === undefined || this.seen.has(variation.key)) return "duplicate";
    this.seen.add(variation.key);
    const id = `${base.id}.g${variant}`;
    const candidate = { ...base, ...variation.inputs, id, generated: { from: base.id, variant } };
    const checked = loadCaseData(`${area}/${id}.json`, candidate, spec);
    if (!checked.ok) return "invalid";
    const judged = judgeVariant(checked, base, executor);
    return judged.kind === "kept" ? judged.data : judged.kind;
  }
}

/** The committed cases the reference core can run, and the values they use. */
export function loadTemplates(spec: Spec, executor: CaseExecutor, paths: readonly string[]): { templates: LoadedCase[]; pools: ValuePools } {
  const templates: LoadedCase[] = [];
  const written: { area: string; data: Case }[] = [];
  for (const file of discoverCaseFiles(paths).files) {
    const loaded = loadCaseFile(file, spec);
    if (!loaded.ok || loaded.data.generated !== undefined || !executor.description.areas.includes(loaded.area)) continue;
    templates.push(loaded);
    written.push({ area: loaded.area, data: JSON.parse(readFileSync(file, "utf8")) as Case });
  }
  return { templates, pools: buildPools(written, templates) };
}

export const emptyDiscarded = (): Discarded => ({ invalid: 0, notRun: 0, claims: 0, duplicate: 0 });

/** The file a generated case is written to. */
export const generatedFile = (out: string, area: string, id: string): string => join(out, area, `${id}.json`);

/** How far each template got: the variants kept (and written) so far, and whether it has run out. */
export interface TemplateProgress {
  position: number;
  area: string;
  kept: number;
  exhausted: boolean;
}

/**
 * Generates and writes the variants of some of the templates, up to a given
 * round. Lanes share the templates out (in this thread or in worker threads,
 * generate-parallel.ts); a template's variants never depend on its lane.
 */
export class GeneratorLane {
  private readonly variants: TemplateVariants[];
  /** Per template (same order as `variants`), the files of the variants kept. */
  private readonly files: string[][];
  readonly discarded = emptyDiscarded();

  constructor(
    context: GenerationContext,
    templates: readonly { position: number; loaded: LoadedCase }[],
    private readonly out: string,
  ) {
    this.variants = templates.map(({ position, loaded }) => new TemplateVariants(context, position, loaded));
    this.files = templates.map(() => []);
    for (const area of new Set(templates.map(({ loaded }) => loaded.area))) mkdirSync(join(out, area), { recursive: true });
  }

  /** Writes every template's kept variants until it has `rounds` of them or runs out. */
  produce(rounds: number): TemplateProgress[] {
    return this.variants.map((variants, i) => {
      const files = this.files[i]!;
      while (files.length < rounds) {
        const data = variants.nextKept(this.discarded);
        if (data === undefined) break;
        const file = generatedFile(this.out, variants.template.area, data.id);
        writeFileSync(file, `${JSON.stringify({ $schema: "../../spec/case.schema.json", ...data })}\n`);
        files.push(file);
      }
      return { position: variants.position, area: variants.template.area, kept: files.length, exhausted: variants.exhausted };
    });
  }

  /** Removes the files of the variants past each template's share of the corpus. */
  truncate(shares: ReadonlyMap<number, number>): void {
    this.variants.forEach((variants, i) => {
      const files = this.files[i]!;
      for (const file of files.splice(shares.get(variants.position) ?? 0)) rmSync(file, { force: true });
    });
  }
}

/** Something that can produce and truncate like a {@link GeneratorLane}: the lane itself, or one in a worker thread. */
export interface GeneratorLaneLike {
  produce(rounds: number): Promise<TemplateProgress[]>;
  truncate(shares: ReadonlyMap<number, number>): Promise<void>;
  discarded(): Promise<Discarded>;
}

/**
 * How many variants of each template the corpus takes: round after round, one
 * of each template still going, in template order, until `count`.
 */
export function sharesOf(progress: readonly TemplateProgress[], count: number): Map<number, number> {
  const shares = new Map(progress.map((p) => [p.position, 0]));
  const ordered = [...progress].sort((a, b) => a.position - b.position);
  let taken = 0;
  for (let round = 0; taken < count; round++) {
    const going = ordered.filter((p) => p.kept > round);
    if (going.length === 0) break;
    for (const p of going) {
      if (taken >= count) break;
      shares.set(p.position, round + 1);
      taken++;
    }
  }
  return shares;
}

/**
 * Drives the lanes: asks for enough rounds to reach `count`, more when
 * templates run out, then trims what went past it. The corpus is the same
 * whatever the number of lanes.
 */
export async function runLanes(lanes: readonly GeneratorLaneLike[], templates: number, count: number): Promise<Omit<GenerateSummary, "templates">> {
  let rounds = Math.ceil(count / templates);
  let progress: TemplateProgress[] = [];
  for (;;) {
    progress = (await Promise.all(lanes.map((lane) => lane.produce(rounds)))).flat();
    const total = progress.reduce((sum, p) => sum + p.kept, 0);
    const going = progress.filter((p) => !p.exhausted).length;
    if (total >= count || going === 0) break;
    rounds += Math.ceil((count - total) / going);
  }
  const shares = sharesOf(progress, count);
  await Promise.all(lanes.map((lane) => lane.truncate(shares)));
  const discarded = emptyDiscarded();
  for (const counts of await Promise.all(lanes.map((lane) => lane.discarded()))) {
    for (const key of Object.keys(discarded) as (keyof Discarded)[]) discarded[key] += counts[key];
  }
  const byArea: Record<string, number> = {};
  let written = 0;
  for (const p of progress) {
    const share = shares.get(p.position) ?? 0;
    written += share;
    if (share > 0) byArea[p.area] = (byArea[p.area] ?? 0) + share;
  }
  return { written, discarded, exhausted: progress.filter((p) => p.exhausted).length, byArea };
}

/** A lane in this thread, seen through the asynchronous interface the driver uses for every lane. */
export function localLane(lane: GeneratorLane): GeneratorLaneLike {
  return {
    produce: async (rounds) => lane.produce(rounds),
    truncate: async (shares) => lane.truncate(shares),
    discarded: async () => lane.discarded,
  };
}

/** Template positions of lane `index` of `count`: dealt round-robin, so every lane gets every kind of case. */
export const lanePositions = (templates: number, index: number, count: number): number[] =>
  Array.from({ length: templates }, (_, position) => position).filter((position) => position % count === index);

/** The corpus, generated in this thread. */
export async function generateCorpus(spec: Spec, executor: CaseExecutor, options: GenerateOptions): Promise<GenerateSummary> {
  const { templates, pools } = loadTemplates(spec, executor, options.templates);
  if (templates.length === 0) throw new Error("no template cases in an area that the reference core implements");
  const lane = new GeneratorLane({ spec, executor, pools, seed: options.seed }, templates.map((loaded, position) => ({ position, loaded })), options.out);
  return { templates: templates.length, ...(await runLanes([localLane(lane)], templates.length, options.count)) };
}
