/**
 * The cases check-core sends: the shortest cases of the bundled corpus (or of
 * the paths given) that the core says it can run, and a probe with an
 * operation no core can know.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AREAS, type Spec } from "../../spec";
import { specDir } from "../../spec/paths";
import type { AreaName, Config } from "../../spec/types/generated";
import type { CaseInput, CoreDescription } from "../../core/interface";
import { discoverCaseFiles } from "../discover";
import { loadCaseFile } from "../loader";
import { stripCase } from "../strip";
import { validator } from "../../spec/validation/validators";

export const TRIVIAL_CASES = 3;
export const PROBE_ID = "check-core.unknown-operation";
export const PROBE_OPERATION = "check_core_unknown_operation";

/** Every operation of spec/ops-*.schema.json. */
export function knownOperations(): Set<string> {
  const operations = new Set<string>();
  for (const file of readdirSync(specDir()).filter((name) => /^ops-.*\.schema\.json$/.test(name))) {
    const schema = JSON.parse(readFileSync(join(specDir(), file), "utf8")) as { $defs: Record<string, { properties?: { op?: { const?: string } } }> };
    for (const def of Object.values(schema.$defs)) {
      const op = def.properties?.op?.const;
      if (op !== undefined) operations.add(op);
    }
  }
  return operations;
}

/** Up to {@link TRIVIAL_CASES} runnable cases with the fewest steps, in a stable order. */
export function pickTrivialCases(spec: Spec, core: CoreDescription, paths: readonly string[]): CaseInput[] {
  const candidates: { input: CaseInput; steps: number }[] = [];
  for (const file of discoverCaseFiles(paths).files) {
    const loaded = loadCaseFile(file, spec);
    if (!loaded.ok || !core.areas.includes(loaded.area)) continue;
    if (!loaded.data.steps.every((step) => core.operations.includes(step.op))) continue;
    const profile = loaded.data.profiles.find((p) => core.profiles.includes(p));
    if (profile === undefined) continue;
    candidates.push({ input: stripCase(loaded.data, loaded.area, profile), steps: loaded.data.steps.length });
  }
  candidates.sort((a, b) => a.steps - b.steps || a.input.id.localeCompare(b.input.id));
  return candidates.slice(0, TRIVIAL_CASES).map((c) => c.input);
}

/** A case whose only step is an operation no spec defines: a robust core skips it (or reports an error) and carries on. */
export function unknownOperationProbe(spec: Spec, core: CoreDescription, like: CaseInput | undefined): CaseInput {
  const area = like?.area ?? (AREAS.find((a) => core.areas.includes(a)) ?? AREAS[0]!);
  const profile = like?.profile ?? core.profiles.find((p) => spec.profiles.has(p)) ?? [...spec.profiles.keys()][0]!;
  const config: Config = {};
  // Validation fills in every default, as the loader does for a real case.
  validator("config")(config);
  const probe = { id: PROBE_ID, area: area as AreaName, profile, config, steps: [{ op: PROBE_OPERATION }] };
  // The operation is deliberately outside the typed union of known operations.
  return probe as unknown as CaseInput;
}
