/**
 * Compiles every schema once, at build time, into standalone ajv validator
 * code (generated/validators.js), so no run ever compiles a schema.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import standaloneCode from "ajv/dist/standalone";
import { specDir } from "../spec/paths";
import { createAjv } from "../spec/validation/ajv-options";
import { compiledValidatorsFile } from "../spec/validation/validators";
import { schemaFiles } from "./schema-types";

/** Export name for a schema file: `case.schema.json` → `case`, `choices-gnttab.schema.json` → `choices-gnttab`. */
const exportName = (file: string): string => file.replace(/\.schema\.json$/, "");

/**
 * Validators for parts of a schema, where validating against the whole file
 * would bury the relevant errors under those of branches that cannot apply
 * (a core's reply checked against the request branch too).
 */
const ENTRY_POINTS: Record<string, string> = {
  "protocol-request": "protocol.schema.json#/$defs/request",
  "protocol-response": "protocol.schema.json#/$defs/response",
  "core-description": "report.schema.json#/$defs/coreDescription",
};

export function buildValidatorSource(): string {
  const ajv = createAjv({ source: true });
  const exports: Record<string, string> = {};
  for (const file of schemaFiles()) {
    ajv.addSchema(JSON.parse(readFileSync(join(specDir(), file), "utf8")));
    exports[exportName(file)] = file;
  }
  Object.assign(exports, ENTRY_POINTS);
  return standaloneCode(ajv, exports);
}

if (require.main === module) {
  const target = compiledValidatorsFile();
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, buildValidatorSource());
  console.log(`wrote ${target}`);
}
