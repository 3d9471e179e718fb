/**
 * A fresh view of the spec for each case the mutation run judges. The core
 * caches what it derives from the spec (rule tables, layouts, revisions...) in
 * WeakMaps keyed by the spec or by its data objects. With one shared spec, the
 * code filling a cache would run only in the first test that needs it,
 * Stryker's per-test coverage would credit that test alone, and a mutant there
 * would be tried against that one test although every later case reads the
 * cached value. A fresh view (a new object, each data file and choices file
 * cloned on first use) makes each test fill the caches it uses, so coverage
 * names every test that depends on them.
 */
import type { AreaName } from "../../spec/types/generated";
import type { Spec } from "../../spec";

export function freshView(spec: Spec): Spec {
  const data = new Map<string, unknown>();
  const choices = new Map<AreaName, Record<string, unknown>>();
  return {
    ...spec,
    data<T>(relativePath: string): T {
      if (!data.has(relativePath)) data.set(relativePath, structuredClone(spec.data<unknown>(relativePath)));
      return data.get(relativePath) as T;
    },
    choices(area: AreaName): Record<string, unknown> {
      let cached = choices.get(area);
      if (cached === undefined) choices.set(area, (cached = structuredClone(spec.choices(area))));
      return cached;
    },
  };
}
