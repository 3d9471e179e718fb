/**
 * A core written as a JavaScript or TypeScript module, loaded into the
 * runner's process. `.ts` files go through ts-node (transpiled, not
 * type-checked) so they need no build step.
 */
import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { CaseExecutor, Core } from "../interface";
import { inProcessCore } from "./in-process";
import { schemaMismatch } from "../protocol/messages";

export class ModuleCoreError extends Error {}

export const MODULE_EXTENSIONS = [".js", ".cjs", ".mjs", ".ts", ".cts"] as const;

const SHAPE = "a CaseExecutor ({ description, execute(input) }), a Core ({ description, run(cases), close() }), or a function returning one";

let tsNodeRegistered = false;

function registerTypeScript(): void {
  if (tsNodeRegistered) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsNode = require("ts-node") as typeof import("ts-node");
  tsNode.register({
    transpileOnly: true,
    // The user's tsconfig or package.json may say ESM; the runner needs CommonJS it can require.
    // The pattern is absolute so that it also matches files outside the working directory.
    skipProject: true,
    moduleTypes: { "/**/*": "cjs" },
    compilerOptions: { module: "commonjs", moduleResolution: "node", target: "es2022", esModuleInterop: true, sourceMap: true },
  });
  tsNodeRegistered = true;
}

async function loadExports(file: string): Promise<unknown> {
  const extension = extname(file);
  if (extension === ".mjs") return import(pathToFileURL(file).href);
  if (extension === ".ts" || extension === ".cts") registerTypeScript();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  } catch (error) {
    // A .js file in a "type": "module" package.
    if ((error as NodeJS.ErrnoException).code === "ERR_REQUIRE_ESM") return import(pathToFileURL(file).href);
    throw error;
  }
}

const isFunction = (value: unknown): value is (...args: unknown[]) => unknown => typeof value === "function";

function pickExport(exports: unknown): unknown {
  if (exports === null || typeof exports !== "object") return exports;
  const record = exports as Record<string, unknown>;
  const chosen = record.default ?? record.core ?? exports;
  // A CommonJS module compiled from `export default` and then imported as ESM nests its default once more.
  const nested = chosen !== null && typeof chosen === "object" ? (chosen as Record<string, unknown>).default : undefined;
  return nested !== undefined && !("description" in (chosen as object)) ? nested : chosen;
}

function asCore(value: unknown, file: string): Core {
  if (value === null || typeof value !== "object" || !("description" in value)) {
    throw new ModuleCoreError(`${file} exports ${value === null ? "null" : typeof value}; it must export (as default, or as \`core\`) ${SHAPE}`);
  }
  const candidate = value as Partial<CaseExecutor & Core>;
  const mismatch = schemaMismatch("core-description", candidate.description);
  if (mismatch !== undefined) throw new ModuleCoreError(`${file}: the core's description is not valid (report.schema.json#/$defs/coreDescription): ${mismatch}`);
  if (isFunction(candidate.execute)) return inProcessCore(candidate as CaseExecutor);
  if (isFunction(candidate.run) && isFunction(candidate.close)) return candidate as Core;
  throw new ModuleCoreError(`${file}: the export has a description but neither execute(input) nor run(cases) and close(); it must be ${SHAPE}`);
}

export async function loadModuleCore(path: string, cwd: string = process.cwd()): Promise<Core> {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new ModuleCoreError(`${path}: no such file (resolved to ${file})`);
  let exported: unknown;
  try {
    exported = pickExport(await loadExports(file));
    if (isFunction(exported)) exported = await exported();
  } catch (error) {
    if (error instanceof ModuleCoreError) throw error;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new ModuleCoreError(`${path}: loading the module failed: ${detail}`);
  }
  return asCore(exported, path);
}
