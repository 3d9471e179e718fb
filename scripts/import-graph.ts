/**
 * hvabi's layers, and the check that every import in the TypeScript sources
 * goes their way and that no import circle exists (type-only imports count).
 *
 *     lib ← spec ← core ← runner ← cli (runner/cli.ts, runner/commands/)
 *
 * with reports beside the runner: they read spec and lib and the core's types,
 * never the runner, and only the CLI joins the two. scripts, examples and
 * tests sit on top (docs/architecture.md draws it).
 *
 * Imports are read with the TypeScript parser, every form of them: `import`
 * and `export … from` (type-only too), `import x = require(…)`, `require(…)`,
 * `import(…)` and `typeof import(…)`. Only imports between hvabi's own files
 * are judged; packages and Node built-ins are not layers.
 *
 *     npm run check-imports      (or: node dist/scripts/import-graph.js)
 *
 * prints every import against the layers and every circle, and exits 1 when
 * there is one; test/architecture/imports.test.ts runs the same check in `npm test`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import ts from "typescript";
import { packageRoot } from "../spec/paths";

export type Layer = "lib" | "spec" | "core" | "reports" | "runner" | "cli" | "scripts" | "examples" | "test";

/**
 * What each layer may import, besides itself. `reports` may read the core's
 * types but none of its code: a report describes results, it never runs a core.
 */
export const LAYER_RULES: Record<Layer, { may: readonly Layer[]; typesOnly?: readonly Layer[]; what: string }> = {
  lib: { may: [], what: "neutral helpers every layer may use (atomic file writing)" },
  spec: { may: ["lib"], what: "schemas, spec data, generated types, schema validation" },
  core: { may: ["spec", "lib"], what: "the core interface, the reference core, adapters, the protocol" },
  reports: { may: ["spec", "lib"], typesOnly: ["core"], what: "reading, judging and rendering report.json and perf.json" },
  runner: { may: ["core", "spec", "lib"], what: "loading, running and comparing cases; core kinds" },
  cli: { may: ["runner", "reports", "core", "spec", "lib"], what: "the hvabi command (runner/cli.ts, runner/commands/)" },
  scripts: { may: ["cli", "runner", "reports", "core", "spec", "lib"], what: "build, benchmark and mutation scripts" },
  examples: { may: ["core", "spec"], what: "example cores, written as a user would" },
  test: { may: ["scripts", "examples", "cli", "runner", "reports", "core", "spec", "lib"], what: "the tests" },
};

/** The folders holding TypeScript sources, relative to the package root. */
export const SOURCE_FOLDERS = ["lib", "spec", "core", "reports", "runner", "scripts", "examples", "test"] as const;

const SOURCE_EXTENSIONS = [".ts", ".mts", ".cts"];

/** The layer of a file (a path relative to the package root, `/`-separated), or undefined when it is in none. */
export function layerOf(file: string): Layer | undefined {
  const [top, second] = file.split("/");
  if (top === "runner") return file === "runner/cli.ts" || second === "commands" ? "cli" : "runner";
  // generated/validators.js is compiled from the schemas: it belongs with them.
  if (top === "generated") return "spec";
  if (top === "test" || /^vitest(\.[a-z]+)?\.config\.mts$/.test(file)) return "test";
  return (SOURCE_FOLDERS as readonly string[]).includes(top ?? "") ? (top as Layer) : undefined;
}

export interface Import {
  /** The importing file, relative to the package root. */
  from: string;
  /** Its line (from 1). */
  line: number;
  /** The specifier as written. */
  specifier: string;
  /** The imported file, relative to the package root. */
  to: string;
  /** `import type`, `export type`, an import whose every name is a type, or `typeof import(…)`. */
  typeOnly: boolean;
}

function sourceFiles(root: string, folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension)) && !entry.name.endsWith(".d.ts")) found.push(path);
    }
  };
  if (existsSync(join(root, folder))) walk(join(root, folder));
  return found.map((path) => relative(root, path).split(sep).join("/"));
}

/** The files of the package: every source folder, and the vitest configurations at the root. */
export function packageSources(root: string): string[] {
  const rootConfigs = readdirSync(root).filter((name) => /^vitest(\.[a-z]+)?\.config\.mts$/.test(name));
  return [...SOURCE_FOLDERS.flatMap((folder) => sourceFiles(root, folder)), ...rootConfigs].sort();
}

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

/** The file a relative specifier names: as written, with a TypeScript extension, `.js` read as `.ts`, or a folder's index. */
function resolveRelative(root: string, from: string, specifier: string): string {
  const base = normalize(join(dirname(from), specifier)).split(sep).join("/");
  const candidates = [
    base,
    ...SOURCE_EXTENSIONS.map((extension) => `${base}${extension}`),
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    base.replace(/\.cjs$/, ".cts"),
    `${base}/index.ts`,
  ];
  // A specifier naming no file (a generated file not built yet) is still an import of that place.
  return candidates.find((candidate) => isFile(join(root, candidate))) ?? base;
}

const stringArgument = (node: ts.Node | undefined): string | undefined => (node !== undefined && ts.isStringLiteralLike(node) ? node.text : undefined);

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  // `import { type A, type B } from …` is erased like `import type`.
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

/** Every import of one file, in the order written. */
export function importsOf(root: string, file: string): Import[] {
  const text = readFileSync(join(root, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: Import[] = [];
  const add = (node: ts.Node, specifier: string | undefined, typeOnly: boolean): void => {
    if (specifier === undefined || !specifier.startsWith(".")) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ from: file, line, specifier, to: resolveRelative(root, file, specifier), typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, stringArgument(node.moduleSpecifier), isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node)) add(node, stringArgument(node.moduleSpecifier), node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, stringArgument(node.moduleReference.expression), node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === "require";
      if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) add(node, stringArgument(node.arguments[0]), false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, stringArgument(node.argument.literal), true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** An import that goes against the layers, in words that name the file, the line and the import. */
export interface LayerViolation {
  import: Import;
  message: string;
}

export function layerViolation(entry: Import): LayerViolation | undefined {
  const from = layerOf(entry.from);
  const to = layerOf(entry.to);
  if (from === undefined || to === undefined || from === to) return undefined;
  const rule = LAYER_RULES[from];
  if (rule.may.includes(to)) return undefined;
  if (entry.typeOnly && rule.typesOnly?.includes(to)) return undefined;
  const allowed = [...rule.may, ...(rule.typesOnly ?? []).map((layer) => `${layer} (types only)`)];
  const form = entry.typeOnly ? "a type-only import" : "an import";
  return {
    import: entry,
    message:
      `${entry.from}:${entry.line}: ${form} of "${entry.specifier}" (${entry.to}) goes from layer ${from} to layer ${to}; ` +
      `${from} may import ${allowed.length === 0 ? "nothing of hvabi but itself" : allowed.join(", ")}`,
  };
}

/** Files that import each other, directly or not: one circle through them, and all of them. */
export interface ImportCircle {
  /** A shortest circle from the group's first file (in name order) back to it, that file repeated at the end. */
  circle: string[];
  /** Every file of the strongly connected group, in name order (more than the circle when circles overlap). */
  group: string[];
}

/** The import circles among `imports`: one per strongly connected group of files, in the order of their first file. */
export function importCircles(imports: readonly Import[]): ImportCircle[] {
  const edges = new Map<string, string[]>();
  for (const { from, to } of imports) {
    const list = edges.get(from) ?? [];
    if (!list.includes(to)) list.push(to);
    edges.set(from, list);
  }
  // Tarjan's strongly connected components, iteratively (a deep graph must not overflow the stack).
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  for (const start of [...edges.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    lowLink.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!));
      if (lowLink.get(frame.node) !== index.get(frame.node)) continue;
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== frame.node);
      const selfImport = (edges.get(frame.node) ?? []).includes(frame.node);
      if (group.length > 1 || selfImport) groups.push(group);
    }
  }
  return groups
    .map((group) => ({ circle: circleThrough(group, edges), group: [...group].sort() }))
    .sort((a, b) => (a.group[0]! < b.group[0]! ? -1 : a.group[0]! > b.group[0]! ? 1 : 0));
}

/** An import circle in words. */
export function describeCircle({ circle, group }: ImportCircle): string {
  const rest = group.length > circle.length - 1 ? ` (one of the circles among ${group.join(", ")})` : "";
  return `import circle: ${circle.join(" → ")}${rest}`;
}

/** One circle through a strongly connected group: a shortest path from its first file (in name order) back to itself. */
function circleThrough(group: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(group);
  const start = [...group].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of edges.get(node) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [...group, group[0]!];
}

export interface ImportCheck {
  files: number;
  imports: Import[];
  violations: LayerViolation[];
  circles: ImportCircle[];
  /** Source files in no layer (a new top-level folder must be given one). */
  unlayered: string[];
}

export function checkImports(root: string = packageRoot()): ImportCheck {
  const files = packageSources(root);
  const imports = files.flatMap((file) => importsOf(root, file));
  return {
    files: files.length,
    imports,
    violations: imports.map(layerViolation).filter((violation): violation is LayerViolation => violation !== undefined),
    circles: importCircles(imports),
    unlayered: files.filter((file) => layerOf(file) === undefined),
  };
}

if (require.main === module) {
  const check = checkImports();
  for (const violation of check.violations) console.log(violation.message);
  for (const circle of check.circles) console.log(describeCircle(circle));
  for (const file of check.unlayered) console.log(`${file}: in no layer (scripts/import-graph.ts, layerOf)`);
  const problems = check.violations.length + check.circles.length + check.unlayered.length;
  console.log(
    problems === 0
      ? `${check.files} files, ${check.imports.length} imports: every import goes the layers' way, no import circle`
      : `${check.files} files, ${check.imports.length} imports: ${check.violations.length} against the layers, ${check.circles.length} circles`,
  );
  process.exitCode = problems === 0 ? 0 : 1;
}
