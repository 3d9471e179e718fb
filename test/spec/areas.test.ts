/**
 * An area is named once, in spec/common.schema.json#/$defs/areaName; AREAS
 * (spec/index.ts) is read from there and the AreaName type generated from it.
 * What cannot be derived from it is written per area elsewhere, and drifts
 * unless checked: the spec data and schemas, the case folders, the machines of
 * the reference core and of the C core, the profiles, and the docs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KVM_AREAS } from "../../core/reference/kvm/areas";
import { MACHINES } from "../../core/reference/machines";
import { XEN_AREAS } from "../../core/reference/xen/areas";
import { AREAS, isAreaName, loadSpec } from "../../spec";
import { defaultCasesDir, specDataDir, specDir } from "../../spec/paths";
import { ROOT } from "../helpers";

const folders = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
const sorted = (names: readonly string[]): string[] => [...names].sort();

describe("the areas", () => {
  it("are the schema's areaName enum, which the generated AreaName type spells out", () => {
    const schema = JSON.parse(readFileSync(join(specDir(), "common.schema.json"), "utf8")) as { $defs: { areaName: { enum: string[] } } };
    expect(AREAS).toEqual(schema.$defs.areaName.enum);
    const generated = readFileSync(join(specDir(), "types", "generated.ts"), "utf8");
    const union = /export type AreaName = ([^;]+);/.exec(generated)?.[1];
    expect(union?.split(" | ").map((name) => JSON.parse(name) as string)).toEqual([...AREAS]);
    expect(isAreaName("gnttab")).toBe(true);
    expect(isAreaName("xen-platform")).toBe(false);
  });

  it("each have spec data (clauses, choices, observables), a choices schema and a folder of cases", () => {
    expect(folders(join(specDataDir(), "areas"))).toEqual(sorted(AREAS));
    expect(folders(defaultCasesDir())).toEqual(sorted(AREAS));
    for (const area of AREAS) {
      for (const file of ["clauses.json", "choices.json", "observables.json"]) expect(existsSync(join(specDataDir(), "areas", area, file)), `${area}/${file}`).toBe(true);
      expect(existsSync(join(specDir(), `choices-${area}.schema.json`)), `choices-${area}.schema.json`).toBe(true);
    }
    const choiceSchemas = readdirSync(specDir()).flatMap((name) => /^choices-(.+)\.schema\.json$/.exec(name)?.[1] ?? []);
    expect(sorted(choiceSchemas)).toEqual(sorted(AREAS));
  });

  it("are each covered by a profile", () => {
    const covered = new Set([...loadSpec().profiles.values()].flatMap((profile) => profile.areas));
    expect(sorted([...covered])).toEqual(sorted(AREAS));
  });

  it("are each implemented by exactly one machine of the reference core, the machinery apart", () => {
    const implemented = MACHINES.flatMap((machine) => machine.areas);
    expect(sorted(implemented)).toEqual(sorted(AREAS));
    expect(sorted([...XEN_AREAS, ...KVM_AREAS].map((area) => area.name).filter(isAreaName))).toEqual(sorted(AREAS));
  });

  it("of the C core are areas of the spec", () => {
    const lists = ["xen", "kvm"].map((machine) => readFileSync(join(ROOT, "core", "c-impl", "src", machine, "area_list.h"), "utf8"));
    const names = lists.flatMap((list) => [...list.matchAll(/^(?:XEN|KVM)_MACHINE_AREA\(\w+, "([^"]+)"/gm)].map((match) => match[1]!));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(AREAS, `core/c-impl area ${name}`).toContain(name);
  });

  it("are the rows of the areas table in docs/architecture.md, in the schema's order", () => {
    const doc = readFileSync(join(ROOT, "docs", "architecture.md"), "utf8");
    const section = doc.slice(doc.indexOf("\n## Areas\n"));
    const table = section.slice(0, section.indexOf("\n\n", section.indexOf("|")));
    const rows = [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((match) => match[1]);
    expect(rows).toEqual([...AREAS]);
  });
});
