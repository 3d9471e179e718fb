import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import { specDataDir, specDir } from "../../spec/paths";
import type { LayoutByArgument, X86Layouts } from "../../spec/types/generated";
import { validator } from "../../spec/validation/validators";
import { ROOT } from "../helpers";

function dataFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return dataFiles(path);
    return entry.name.endsWith(".json") ? [path] : [];
  });
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

describe("spec data", () => {
  const files = dataFiles(specDataDir());

  it.each(files.map((f) => [relative(ROOT, f), f]))("%s names its schema and validates against it", (_name, file) => {
    const data = readJson(file) as { $schema?: string };
    expect(data.$schema, "every data file names its schema in $schema").toMatch(/\.schema\.json$/);
    const schemaName = data.$schema!.split("/").pop()!.replace(/\.schema\.json$/, "");
    const validate = validator(schemaName);
    const valid = validate(structuredClone(data));
    expect(valid ? [] : validate.errors).toEqual([]);
  });

  it("numbers every errno and grant status the schemas name", () => {
    const common = readJson(join(specDir(), "common.schema.json")) as { $defs: Record<string, { enum: string[] }> };
    const spec = loadSpec();
    expect(Object.keys(spec.errno).sort()).toEqual([...common.$defs.errno!.enum].sort());
    expect(Object.keys(spec.grantStatus).sort()).toEqual([...common.$defs.grantStatus!.enum].sort());
  });

  it("lists every errno in the result enum", () => {
    const common = readJson(join(specDir(), "common.schema.json")) as { $defs: Record<string, { enum: string[] }> };
    for (const name of common.$defs.errno!.enum) expect(common.$defs.result!.enum).toContain(name);
  });

  it("has unique clause ids, each holding in declared profiles that cover its area", () => {
    const spec = loadSpec();
    const ids = [...spec.clausesByArea.values()].flat().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const clause of spec.clauses.values()) {
      for (const profile of clause.profiles) {
        expect(spec.profiles.get(profile)?.areas, `${clause.id} holds in ${profile}`).toContain(clause.area);
      }
    }
  });

  it("gives every profile choices for each of its areas that has choices", () => {
    const spec = loadSpec();
    for (const profile of spec.profiles.values()) {
      for (const area of profile.areas) {
        if (!existsSync(join(specDataDir(), "areas", area, "choices.json"))) continue;
        expect(spec.choices(area)[profile.name], `${profile.name} choices for ${area}`).toBeDefined();
      }
    }
  });

  it("bases a profile only on a profile based on none, covering no area its base lacks choices for", () => {
    const spec = loadSpec();
    for (const profile of spec.profiles.values()) {
      if (profile.basedOn === undefined) continue;
      const base = spec.profiles.get(profile.basedOn);
      expect(base, `${profile.name} is based on ${profile.basedOn}`).toBeDefined();
      expect(base?.basedOn, `${profile.basedOn}, a base, is based on nothing`).toBeUndefined();
      expect(profile.hypervisor, `${profile.name} runs on its base's hypervisor`).toBe(base?.hypervisor);
    }
  });

  it("excludes from a clause only profiles based on one it lists and not listed by it", () => {
    const spec = loadSpec();
    for (const area of spec.clausesByArea.keys()) {
      const listed = (readJson(join(specDataDir(), "areas", area, "clauses.json")) as { clauses: { id: string; profiles: string[]; excludedProfiles?: Record<string, unknown> }[] }).clauses;
      for (const clause of listed) {
        for (const name of Object.keys(clause.excludedProfiles ?? {})) {
          const base = spec.profiles.get(name)?.basedOn;
          expect(base !== undefined && clause.profiles.includes(base) && !clause.profiles.includes(name), `${clause.id} excludes ${name}`).toBe(true);
          expect(spec.clauses.get(clause.id)?.profiles, `${clause.id} does not hold in ${name}`).not.toContain(name);
        }
      }
    }
  });

  it("cites sources for every choice a derived profile makes differently from its base", () => {
    const spec = loadSpec();
    for (const profile of spec.profiles.values()) {
      if (profile.basedOn === undefined) continue;
      for (const area of profile.areas) {
        const own = spec.choices(area)[profile.name] as Record<string, unknown> | undefined;
        const base = spec.choices(area)[profile.basedOn] as Record<string, unknown> | undefined;
        if (own === undefined || base === undefined) continue;
        const sources = (own.sources ?? {}) as Record<string, unknown[]>;
        for (const [choice, value] of Object.entries(own)) {
          if (choice === "sources" || choice === "note" || JSON.stringify(value) === JSON.stringify(base[choice])) continue;
          expect(sources[choice]?.length ?? 0, `${profile.name} ${area} ${choice} differs from ${profile.basedOn}: cite its sources`).toBeGreaterThan(0);
        }
      }
    }
  });

  it("lists every operation of every ops-*.schema.json in step.schema.json", () => {
    const step = readJson(join(specDir(), "step.schema.json")) as { oneOf: { $ref: string }[] };
    const listed = step.oneOf.map((entry) => entry.$ref).sort();
    const defined = readdirSync(specDir())
      .filter((f) => /^ops-.*\.schema\.json$/.test(f))
      .flatMap((f) => {
        const schema = readJson(join(specDir(), f)) as { $defs: Record<string, { properties?: { op?: unknown } }> };
        return Object.entries(schema.$defs).filter(([, def]) => def.properties?.op !== undefined).map(([name]) => `${f}#/$defs/${name}`);
      })
      .sort();
    expect(listed).toEqual(defined);
  });

  it("draws only hex64 observables with a layout, naming layouts spec/data/x86/layouts.json has", () => {
    const spec = loadSpec();
    const layouts = spec.data<X86Layouts>("x86/layouts.json").layouts;
    const named = (layout: string | LayoutByArgument): string[] => (typeof layout === "string" ? [layout] : Object.values(layout.layouts));
    const withLayout = [...spec.stateKeys, ...[...spec.returnKeys.values()].flat()].filter((key) => key.layout !== undefined);
    expect(withLayout.length).toBeGreaterThan(0);
    for (const key of withLayout) {
      expect(key.type, key.key).toBe("hex64");
      for (const name of named(key.layout!)) expect(layouts[name], `${key.key}: layout ${name}`).toBeDefined();
    }
    // A layout chosen by an operation's argument only makes sense for what the operation returns.
    for (const key of spec.stateKeys) expect(typeof (key.layout ?? ""), key.key).toBe("string");
    expect(Object.values(layouts).filter((layout) => layout?.errorCodeOf !== undefined).map((layout) => [layout!.title, layout!.errorCodeOf])).toEqual([["#PF error code", "#PF"]]);
  });
});
