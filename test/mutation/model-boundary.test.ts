/**
 * The reference core's model boundary: every input in
 * core/reference/model-boundary/*.json must be refused with its recorded
 * message, word for word. A reference that answered outside its model would
 * hand out verdicts nobody wrote down, and a refusal that no longer says what
 * is out of the model leaves the case's author guessing. In the mutation run
 * this is what judges the core's refusal checks (a mutant that removes one
 * answers instead; one that blanks a message says nothing).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import { packageRoot } from "../../spec/paths";
import type { ModelBoundary } from "../../spec/types/generated";
import { schemaProblems } from "../../spec/validation/schema-errors";
import { validator } from "../../spec/validation/validators";
import { caseInput } from "./case-input";
import { freshView } from "./fresh-view";

const BOUNDARY_DIR = join(packageRoot(), "core", "reference", "model-boundary");

function loadBoundary(file: string): ModelBoundary {
  const data: unknown = JSON.parse(readFileSync(join(BOUNDARY_DIR, file), "utf8"));
  const validate = validator("model-boundary");
  if (!validate(data)) {
    const problems = schemaProblems(validate.errors ?? [], data).map((problem) => `${problem.pointer || "/"}: ${problem.message}`);
    throw new Error(`core/reference/model-boundary/${file} does not match spec/model-boundary.schema.json:\n${problems.join("\n")}`);
  }
  return data as ModelBoundary;
}

const files = readdirSync(BOUNDARY_DIR).filter((name) => name.endsWith(".json")).sort();
const entries = files.flatMap((file) => loadBoundary(file).inputs.map((entry) => ({ file, entry })));

describe("model boundary", () => {
  it("names each input once, under its own area and a declared profile", () => {
    const spec = loadSpec();
    const seen = new Set<string>();
    for (const { file, entry } of entries) {
      expect(seen.has(entry.id), `${file}: ${entry.id} appears twice`).toBe(false);
      seen.add(entry.id);
      expect(entry.id.startsWith(`${entry.area}.`), `${file}: ${entry.id} is not named after its area ${entry.area}`).toBe(true);
      expect(spec.profiles.has(entry.profile), `${file}: ${entry.id}: unknown profile ${entry.profile}`).toBe(true);
    }
  });

  it.each(entries.map(({ file, entry }) => [`${entry.id} (${file})`, entry] as const))("%s is refused as outside the model", async (_name, entry) => {
    const { createReferenceExecutor } = await import("../../core/reference");
    const outcome = createReferenceExecutor(freshView(loadSpec())).execute(caseInput(entry.id, entry.area, entry.profile, entry.config, entry.steps));
    expect(outcome).toEqual({ kind: "errored", message: entry.refusal });
  });
});
