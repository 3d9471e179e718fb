/**
 * The layers point one way (lib ← spec ← core ← runner ← cli, reports beside
 * the runner) and no import circle exists, type-only imports included
 * (scripts/import-graph.ts; `npm run check-imports` prints the same findings).
 * Each check passes on hvabi's sources and fails on a small tree built to break it.
 */
import { describe, expect, it } from "vitest";
import { checkImports, describeCircle, layerOf } from "../../scripts/import-graph";
import { ROOT, writeTree } from "../helpers";

describe("hvabi's imports", () => {
  const check = checkImports(ROOT);

  it("reads the imports of every source file", () => {
    expect(check.files).toBeGreaterThan(200);
    expect(check.imports.length).toBeGreaterThan(1000);
    expect(check.unlayered).toEqual([]);
  });

  it("go the layers' way", () => {
    expect(check.violations.map((violation) => violation.message)).toEqual([]);
  });

  it("form no circle, type-only imports included", () => {
    expect(check.circles.map(describeCircle)).toEqual([]);
  });
});

describe("the import check catches a tree built to break it", () => {
  const tree = writeTree({
    "package.json": { name: "not-hvabi" },
    "lib/write.ts": `export const write = (): void => undefined;\n`,
    "spec/index.ts": `export type Size = typeof import("../runner/run").size;\n`,
    "core/interface.ts": `import type { Machine } from "./machine";\nexport interface Core { machine: Machine }\n`,
    "core/machine.ts": `import type { Core } from "./interface";\nexport interface Machine { core: Core }\n`,
    "reports/json.ts": [
      `import type { Core } from "../core/interface";`,
      `import { write } from "../lib/write";`,
      `import { Machine } from "../core/machine";`,
      `export const size = 1;`,
      `export function render(): void {`,
      `  const { run } = require("../runner/run") as typeof import("../runner/run");`,
      `  write(); run();`,
      `}`,
      `export type Used = Core | Machine;`,
      ``,
    ].join("\n"),
    "runner/run.ts": `export const size = 2;\nexport const run = (): void => undefined;\nexport { render } from "../reports/json";\n`,
    "runner/commands/run.ts": `import { render } from "../../reports/json";\nimport { run } from "../run";\nexport const go = (): void => { render(); run(); };\n`,
  });
  const broken = checkImports(tree);

  it("names the file, the line and the import of each one against the layers", () => {
    expect(broken.violations.map((violation) => violation.message)).toEqual([
      `reports/json.ts:3: an import of "../core/machine" (core/machine.ts) goes from layer reports to layer core; reports may import spec, lib, core (types only)`,
      `reports/json.ts:6: an import of "../runner/run" (runner/run.ts) goes from layer reports to layer runner; reports may import spec, lib, core (types only)`,
      `reports/json.ts:6: a type-only import of "../runner/run" (runner/run.ts) goes from layer reports to layer runner; reports may import spec, lib, core (types only)`,
      `runner/run.ts:3: an import of "../reports/json" (reports/json.ts) goes from layer runner to layer reports; runner may import core, spec, lib`,
      `spec/index.ts:1: a type-only import of "../runner/run" (runner/run.ts) goes from layer spec to layer runner; spec may import lib`,
    ]);
  });

  it("finds each circle, type-only ones included", () => {
    expect(broken.circles.map(describeCircle)).toEqual([
      "import circle: core/interface.ts → core/machine.ts → core/interface.ts",
      "import circle: reports/json.ts → runner/run.ts → reports/json.ts",
    ]);
  });

  it("puts the CLI apart from the rest of the runner, and the vitest configurations with the tests", () => {
    expect(layerOf("runner/cli.ts")).toBe("cli");
    expect(layerOf("runner/commands/run.ts")).toBe("cli");
    expect(layerOf("runner/vitest.mts")).toBe("runner");
    expect(layerOf("vitest.mutation.config.mts")).toBe("test");
    expect(layerOf("docs/architecture.md")).toBeUndefined();
  });
});
