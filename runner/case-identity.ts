/**
 * Stable identities of a case beyond its id: a content hash of what it
 * checks, and a key of what it feeds a core in one profile.
 */
import { createHash } from "node:crypto";
import type { Case } from "../spec/types/generated";
import { expectationFor } from "./case-checks";

/** JSON with object keys sorted, so equal values always serialise alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  let text: string;
  if (Array.isArray(value)) {
    text = "[";
    for (let i = 0; i < value.length; i++) text += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  text = "{";
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    text += `${first ? "" : ","}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${text}}`;
}

const digest = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

/**
 * The content hash of a normalised case: its configuration and its steps
 * (operations, arguments and expectations) as the author wrote them, keys
 * sorted and whitespace gone. Titles, notes and clause lists do not change it;
 * anything the author changed in what a core is given or what is expected
 * does. Defaults the schema fills in are left out on purpose: a new optional
 * configuration field must not make every baseline entry look changed.
 */
export function caseHash(authored: unknown): string {
  const { config, steps } = (authored ?? {}) as { config?: unknown; steps?: unknown };
  const bareSteps = Array.isArray(steps)
    ? steps.map((step: unknown) => {
        if (step === null || typeof step !== "object") return step;
        const { note: _note, ...rest } = step as Record<string, unknown>;
        return rest;
      })
    : steps;
  return digest(canonicalJson({ config, steps: bareSteps }));
}

/** What a core receives for this case in this profile: two cases with the same key must expect compatible things. */
export function inputKey(testCase: Case, profile: string): string {
  const steps = testCase.steps.map((step) => ({ op: step.op, args: "args" in step ? step.args : undefined }));
  return digest(canonicalJson({ profile, config: testCase.config, steps }));
}

export { expectationFor };
