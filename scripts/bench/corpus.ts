/**
 * The generated corpora `npm run bench` measures, kept in out/bench/corpora
 * under a key of everything they depend on (the committed cases, the spec,
 * the compiled reference core and generator, the seed): a later run reuses
 * them only when nothing they were made from changed.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { packageRoot } from "../../spec/paths";
import { nodeCommand, timeProcess } from "./processes";

export interface Corpus {
  dir: string;
  count: number;
  /** Undefined when the corpus was reused. */
  generatedInMs?: number;
}

const SEED = 1;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** A digest of every input of generation. */
export function corpusKey(): string {
  const root = packageRoot();
  const inputs = [join(root, "cases"), join(root, "spec"), join(root, "dist", "core"), join(root, "dist", "runner"), join(root, "package.json")];
  const digest = createHash("sha256").update(`seed ${SEED}\n`);
  for (const file of inputs.flatMap((path) => (existsSync(path) && statSync(path).isDirectory() ? filesUnder(path) : [path])).sort()) {
    digest.update(`${relative(root, file)}\n`).update(readFileSync(file));
  }
  return digest.digest("hex").slice(0, 16);
}

/** The corpus of `count` cases: reused when its key matches, else generated (`hvabi generate`, in worker threads). */
export async function corpus(count: number, key: string, fresh: boolean): Promise<Corpus> {
  const base = join(packageRoot(), "out", "bench", "corpora");
  const dir = join(base, `${key}-${count}`);
  if (!fresh && existsSync(dir)) return { dir, count };
  // Corpora of other keys are stale: the committed cases, the spec or the core changed since.
  if (existsSync(base)) for (const old of readdirSync(base)) if (old.endsWith(`-${count}`) || !old.startsWith(key)) rmSync(join(base, old), { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const cli = join(packageRoot(), "dist", "runner", "cli.js");
  const timed = await timeProcess(nodeCommand([cli, "generate", "--count", String(count), "--out", partial, "--seed", String(SEED)]));
  renameSync(partial, dir);
  return { dir, count, generatedInMs: timed.wallMs };
}
