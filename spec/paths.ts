import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

let cachedRoot: string | undefined;

/**
 * The hvabi package root. Code runs both from sources (vitest, ts-node) and
 * from dist/, so the root is found by walking up to hvabi's package.json.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "hvabi") {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find hvabi's package.json above ${__dirname}`);
    dir = parent;
  }
}

export const specDir = (): string => join(packageRoot(), "spec");
export const specDataDir = (): string => join(specDir(), "data");
export const defaultCasesDir = (): string => join(packageRoot(), "cases");
export const generatedDir = (): string => join(packageRoot(), "generated");

let cachedVersion: string | undefined;

/** hvabi's version, from its package.json. */
export function packageVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
  return cachedVersion;
}
