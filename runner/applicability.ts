/**
 * Where a case applies: the profiles it lists, and through inheritance the
 * profiles based on them (`basedOn` in spec/data/profiles.json). The one place
 * the runner decides it; the run, hvabi/vitest, coverage, the corpus
 * soundness checks, the generator and the benchmarks all read it from here.
 *
 * A case applies to a profile D based on a profile B it lists (and does not
 * list D itself) when D covers the case's area. It then runs in D with B's
 * expectations, except where a step gives D its own (`expectByProfile`), and
 * on B's side unless `polarity` names D. It does not run in D, and the result
 * is a `skip` with the reason, when the case opts out (`excludedProfiles`) or
 * when a clause it cites holds in B but not in D (the clause's
 * `excludedProfiles` says why). docs/extending.md states the rules.
 */
import type { Spec } from "../spec";
import type { AreaName, Case } from "../spec/types/generated";

/** One profile a case applies to. */
export interface ProfileRun {
  profile: string;
  /** Set when the case applies to this profile only through its `basedOn`: the base profile the case lists. */
  inheritedFrom?: string;
  /** Set when the case does not run in this (inherited) profile: why, as the reason of its `skip`. */
  skip?: string;
}

/** Why a case inherited from `base` does not run in `profile`, or undefined when it does. */
function inheritedSkip(spec: Spec, testCase: Case, base: string, profile: string): string | undefined {
  const optOut = testCase.excludedProfiles?.[profile];
  if (optOut !== undefined) return `the case opts out of ${profile} (based on ${base}): ${optOut}`;
  const reasons: string[] = [];
  for (const id of testCase.clauses) {
    const clause = spec.clauses.get(id);
    if (clause === undefined || !clause.profiles.includes(base) || clause.profiles.includes(profile)) continue;
    const why = clause.excludedProfiles?.[profile]?.reason;
    reasons.push(`clause ${id} does not hold in ${profile}${why === undefined ? "" : ` (${why})`}`);
  }
  return reasons.length === 0 ? undefined : `differs in ${base} only: ${reasons.join("; ")}`;
}

/**
 * Every profile a (valid) case applies to, in report order: the profiles it
 * lists, in its order, then the profiles inherited from them.
 */
export function profileRuns(spec: Spec, testCase: Case, area: AreaName): ProfileRun[] {
  const runs: ProfileRun[] = testCase.profiles.map((profile) => ({ profile }));
  for (const base of testCase.profiles) {
    for (const profile of spec.derivedProfiles.get(base) ?? []) {
      if (runs.some((run) => run.profile === profile) || !spec.profiles.get(profile)?.areas.includes(area)) continue;
      const skip = inheritedSkip(spec, testCase, base, profile);
      runs.push({ profile, inheritedFrom: base, ...(skip === undefined ? {} : { skip }) });
    }
  }
  return runs;
}

/** The profiles a case may name besides those it lists (in `expectByProfile`, `polarity` and `excludedProfiles`): those it inherits. */
export function inheritableProfiles(spec: Spec, testCase: Case, area: AreaName): Map<string, string> {
  const inheritable = new Map<string, string>();
  for (const base of testCase.profiles) {
    for (const profile of spec.derivedProfiles.get(base) ?? []) {
      if (!testCase.profiles.includes(profile) && spec.profiles.get(profile)?.areas.includes(area)) inheritable.set(profile, base);
    }
  }
  return inheritable;
}

/** The runs that execute (not skipped by inheritance). */
export const executedRuns = (runs: readonly ProfileRun[]): ProfileRun[] => runs.filter((run) => run.skip === undefined);
