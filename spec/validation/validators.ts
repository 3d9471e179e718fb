/** The validators compiled at build time from spec/*.schema.json (scripts/build-validators.ts). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ErrorObject } from "ajv";
import { generatedDir } from "../paths";

export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Schema file name without `.schema.json`, e.g. `case`, `report`, `choices-gnttab`. */
export type SchemaName = string;

/** Where scripts/build-validators.ts writes the compiled validators, and where they are read from. */
export const compiledValidatorsFile = (): string => join(generatedDir(), "validators.js");

let loaded: Record<SchemaName, Validator> | undefined;

export function validator(name: SchemaName): Validator {
  if (loaded === undefined) {
    const file = compiledValidatorsFile();
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run \`npm run build\` to compile the schemas`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as Record<SchemaName, Validator>;
  }
  const found = loaded[name];
  if (found === undefined) throw new Error(`no compiled validator for spec/${name}.schema.json`);
  return found;
}
