/**
 * Compiles every schema once, at build time, into standalone ajv validator
 * code (generated/validators.js), so no run ever compiles a schema.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import standaloneCode from "ajv/dist/standalone";
import { createAjv } from "../runner/ajv-options";
import { generatedDir, specDir } from "../spec/paths";
import { schemaFiles } from "./schema-types";

/** Export name for a schema file: `case.schema.json` → `case`, `choices-gnttab.schema.json` → `choices-gnttab`. */
const exportName = (file: string): string => file.replace(/\.schema\.json$/, "");

export function buildValidatorSource(): string {
  const ajv = createAjv({ source: true });
  const exports: Record<string, string> = {};
  for (const file of schemaFiles()) {
    ajv.addSchema(JSON.parse(readFileSync(join(specDir(), file), "utf8")));
    exports[exportName(file)] = file;
  }
  return standaloneCode(ajv, exports);
}

if (require.main === module) {
  mkdirSync(generatedDir(), { recursive: true });
  const target = join(generatedDir(), "validators.js");
  writeFileSync(target, buildValidatorSource());
  console.log(`wrote ${target}`);
}
