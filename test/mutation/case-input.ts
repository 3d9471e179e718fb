/** A CaseInput built from a configuration and steps, defaults filled in by the schemas as the loader does; a step's `expect` only names what to observe. */
import type { CaseInput } from "../../core/interface";
import type { AreaName, Case } from "../../spec/types/generated";
import { stripCase } from "../../runner/strip";
import { validator } from "../../spec/validation/validators";

export function caseInput(id: string, area: AreaName, profile: string, config: object, steps: readonly object[]): CaseInput {
  const filled = structuredClone({ config, steps }) as { config: object; steps: object[] };
  if (!validator("config")(filled.config)) throw new Error(`${id}: invalid config ${JSON.stringify(config)}`);
  for (const step of filled.steps) if (!validator("step")(step)) throw new Error(`${id}: invalid step ${JSON.stringify(step)}`);
  return stripCase({ id, ...filled } as unknown as Case, area, profile);
}
