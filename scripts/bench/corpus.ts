/**
 * The generated corpora `npm run bench` measures, kept in out/bench/corpora
 * under a key of everything they depend on (the committed cases, the spec,
 * the compiled reference core and generator, the seed): a later run reuses
 * them only when nothing they were made from changed.
 */
import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { loadSpec } from "../../spec";
import { defaultCasesDir, packageRoot } from "../../spec/paths";
import { createReferenceExecutor } from "../../core/reference";
import { loadTemplates, sharesOf, type TemplateProgress } from "../../runner/generate";
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

/**
 * The corpora of these sizes. The largest is generated (`hvabi generate`, in
 * worker threads) unless a corpus of this key is kept; each smaller one is the
 * first cases of the largest in generation order (one variant of each
 * template per round, templates in order), which is exactly what generating
 * it with the same seed would write, linked rather than written again.
 */
export async function corpora(sizes: readonly number[], key: string, fresh: boolean): Promise<Map<number, Corpus>> {
  const base = join(packageRoot(), "out", "bench", "corpora");
  const largest = Math.max(...sizes);
  const dirOf = (count: number): string => join(base, `${key}-${count}`);
  // Corpora of another key are stale: the committed cases, the spec or the core changed since.
  if (existsSync(base)) for (const old of readdirSync(base)) if (!old.startsWith(`${key}-`) || fresh) rmSync(join(base, old), { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const result = new Map<number, Corpus>();
  let generatedInMs: number | undefined;
  if (!existsSync(dirOf(largest))) {
    const partial = `${dirOf(largest)}.partial`;
    rmSync(partial, { recursive: true, force: true });
    const cli = join(packageRoot(), "dist", "runner", "cli.js");
    generatedInMs = (await timeProcess(nodeCommand([cli, "generate", "--count", String(largest), "--out", partial, "--seed", String(SEED)]))).wallMs;
    renameSync(partial, dirOf(largest));
  }
  result.set(largest, { dir: dirOf(largest), count: largest, ...(generatedInMs === undefined ? {} : { generatedInMs }) });
  for (const size of sizes) {
    if (size === largest) continue;
    if (!existsSync(dirOf(size))) linkFirst(dirOf(largest), dirOf(size), size);
    result.set(size, { dir: dirOf(size), count: size });
  }
  return result;
}

/** Links the first `count` cases of a generated corpus, in generation order, into `target`. */
function linkFirst(source: string, target: string, count: number): void {
  const spec = loadSpec();
  const executor = createReferenceExecutor(spec);
  const { templates } = loadTemplates(spec, executor, [defaultCasesDir()]);
  const position = new Map(templates.map((template, index) => [template.data.id, index]));
  const files = new Map<number, { area: string; names: { variant: number; name: string }[] }>();
  for (const area of readdirSync(source)) {
    for (const name of readdirSync(join(source, area))) {
      const match = /^(.*)\.g(\d+)\.json$/.exec(name);
      const index = match === null ? undefined : position.get(match[1]!);
      if (match === null || index === undefined) throw new Error(`${join(source, area, name)} is not a variant of a committed case`);
      let entry = files.get(index);
      if (entry === undefined) files.set(index, (entry = { area, names: [] }));
      entry.names.push({ variant: Number(match[2]), name });
    }
  }
  const progress: TemplateProgress[] = [...files].map(([index, { area, names }]) => ({ position: index, area, kept: names.length, exhausted: false }));
  const shares = sharesOf(progress, count);
  const partial = `${target}.partial`;
  rmSync(partial, { recursive: true, force: true });
  for (const [index, { area, names }] of files) {
    const share = shares.get(index) ?? 0;
    if (share === 0) continue;
    mkdirSync(join(partial, area), { recursive: true });
    for (const { name } of names.sort((a, b) => a.variant - b.variant).slice(0, share)) linkSync(join(source, area, name), join(partial, area, name));
  }
  renameSync(partial, target);
}
