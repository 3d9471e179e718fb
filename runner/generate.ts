/**
 * Writes large corpora for benchmarks and scale tests by varying the
 * committed cases' argument values. Every variant is validated against the
 * case schema, its expectations are filled in by the reference core in every
 * profile, and it is marked `generated` (generated corpora are never committed).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Spec } from "../spec";
import type { Case, Expectation, Outcome, StepObservation } from "../spec/types/generated";
import type { CaseExecutor } from "../core/interface";
import { isHex, toHex } from "../core/hex";
import { expectationFor, outcomesOf } from "./case-checks";
import { discoverCaseFiles } from "./discover";
import { loadCaseFile, loadCaseText, type LoadedCase } from "./loader";
import { stripCase } from "./strip";

export interface GenerateOptions {
  /** Template case files or folders (default: the committed cases). */
  templates: string[];
  count: number;
  out: string;
  seed: number;
}

export interface GenerateSummary {
  written: number;
  /** Variants thrown away because they were invalid or the reference core could not run them. */
  discarded: number;
  templates: number;
}

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

/** Domain ids and operation names stay put: varying them only produces cases that cannot run. */
const FIXED_KEYS = new Set(["dom", "domid", "granter", "target", "transDomid", "op"]);

function varyNumber(value: number, random: () => number): number {
  const choices = [value + 1, value - 1, value * 2, 0, 1, value];
  return Math.max(0, Math.trunc(choices[Math.floor(random() * choices.length)] ?? value));
}

function varyHex(value: string, random: () => number): string {
  const big = BigInt(value);
  const bit = BigInt(Math.floor(random() * Math.max(1, big.toString(2).length)));
  return toHex(big ^ (1n << bit));
}

/** Returns a copy of `value` with some numeric and hex leaves changed. */
function vary(value: unknown, random: () => number, key = ""): unknown {
  if (FIXED_KEYS.has(key)) return value;
  if (Array.isArray(value)) return value.map((item) => vary(item, random, key));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, vary(v, random, k)]));
  }
  if (random() > 0.35) return value;
  if (typeof value === "number" && Number.isInteger(value)) return varyNumber(value, random);
  if (isHex(value)) return varyHex(value, random);
  return value;
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

function withExpectations(loaded: LoadedCase, executor: CaseExecutor): Case | undefined {
  const testCase = loaded.data;
  const perProfile = new Map<string, StepObservation[]>();
  for (const profile of testCase.profiles) {
    const outcome = executor.execute(stripCase(testCase, loaded.area, profile));
    if (outcome instanceof Promise || outcome.kind !== "observed") return undefined;
    perProfile.set(profile, outcome.steps);
  }
  const steps = testCase.steps.map((step, index) => {
    const { expect: _expect, expectByProfile: _byProfile, ...rest } = step;
    const byProfile = Object.fromEntries(
      testCase.profiles.map((profile) => [profile, expectationFrom(perProfile.get(profile)![index]!, expectationFor(step, profile))]),
    );
    const distinct = new Set(Object.values(byProfile).map((e) => JSON.stringify(e)));
    return distinct.size === 1 ? { ...rest, expect: Object.values(byProfile)[0] } : { ...rest, expectByProfile: byProfile };
  });
  return { ...testCase, steps } as Case;
}

export function generateCorpus(spec: Spec, executor: CaseExecutor, options: GenerateOptions): GenerateSummary {
  const templates: LoadedCase[] = [];
  for (const file of discoverCaseFiles(options.templates).files) {
    const loaded = loadCaseFile(file, spec);
    if (loaded.ok && loaded.data.generated === undefined && executor.description.areas.includes(loaded.area)) templates.push(loaded);
  }
  if (templates.length === 0) throw new Error("no template cases that the reference core implements");
  const random = randomSource(options.seed);
  let written = 0;
  let discarded = 0;
  let attempts = 0;
  const maxAttempts = options.count * 20;
  while (written < options.count && attempts < maxAttempts) {
    const template = templates[attempts % templates.length]!;
    const variant = Math.floor(attempts / templates.length);
    attempts++;
    const { $schema: _schema, ...base } = template.data;
    const candidate = {
      ...base,
      id: `${template.data.id}.g${variant}`,
      generated: { from: template.data.id, variant },
      steps: variant === 0 ? base.steps : (vary(base.steps, random) as Case["steps"]),
    };
    const file = join(options.out, template.area, `${candidate.id}.json`);
    const reloaded = loadCaseText(file, JSON.stringify(candidate), spec);
    const complete = reloaded.ok ? withExpectations(reloaded, executor) : undefined;
    if (complete === undefined) {
      discarded++;
      continue;
    }
    mkdirSync(join(options.out, template.area), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ $schema: "../../spec/case.schema.json", ...complete })}\n`);
    written++;
  }
  return { written, discarded, templates: templates.length };
}
