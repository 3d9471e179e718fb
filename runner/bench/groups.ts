/**
 * What `hvabi bench` measures: the cases of each area, and the cases that end
 * with each operation, every case once in each of the profiles it lists (and
 * in a profile it inherits when --profile names it), expectations stripped.
 * Every core is given the same inputs.
 */
import type { Spec } from "../../spec";
import type { CaseInput, CoreDescription } from "../../core/interface";
import type { PerfGroup } from "../../spec/types/generated";
import { discoverCaseFiles } from "../discover";
import { loadCaseFile } from "../loader";
import { compareFileNames } from "../../spec/results";
import { executedRuns } from "../applicability";
import { stripCase } from "../strip";

export interface BenchGroup {
  kind: PerfGroup["kind"];
  name: string;
  inputs: CaseInput[];
}

export interface BenchCorpus {
  files: number;
  invalid: number;
  inputs: number;
  groups: BenchGroup[];
}

/** The group's inputs a core implements (area, profile and every operation). */
export function supportedInputs(group: BenchGroup, core: CoreDescription): CaseInput[] {
  return group.inputs.filter(
    (input) => core.areas.includes(input.area) && core.profiles.includes(input.profile) && input.steps.every((step) => core.operations.includes(step.op)),
  );
}

export function benchCorpus(spec: Spec, paths: readonly string[], profiles: readonly string[] | undefined): BenchCorpus {
  const { files } = discoverCaseFiles(paths);
  const groups = new Map<string, BenchGroup>();
  const add = (kind: BenchGroup["kind"], name: string, input: CaseInput): void => {
    const key = `${kind}\t${name}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { kind, name, inputs: [] }));
    group.inputs.push(input);
  };
  let invalid = 0;
  let inputs = 0;
  for (const file of files) {
    const loaded = loadCaseFile(file, spec);
    if (!loaded.ok) {
      invalid++;
      continue;
    }
    const last = loaded.data.steps[loaded.data.steps.length - 1]!.op;
    // The profiles the case lists; a profile it inherits (applicability.ts) only when --profile names it.
    for (const { profile, inheritedFrom } of executedRuns(loaded.runs)) {
      if (profiles === undefined ? inheritedFrom !== undefined : !profiles.includes(profile)) continue;
      const input = stripCase(loaded.data, loaded.area, profile, inheritedFrom);
      add("area", loaded.area, input);
      add("operation", last, input);
      inputs++;
    }
  }
  const ordered = [...groups.values()].sort((a, b) => (a.kind === b.kind ? compareFileNames(a.name, b.name) : a.kind === "area" ? -1 : 1));
  return { files: files.length, invalid, inputs, groups: ordered };
}
