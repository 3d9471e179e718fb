/**
 * The conformance suite as the test that judges mutants of the reference
 * core (npm run mutation). The core is imported from source when the suite
 * starts, so Stryker's instrumented code is what runs, and a mutant that
 * breaks the core's loading fails every test instead of the file's collection.
 *
 * Every case runs against a fresh view of the spec: the core caches what it
 * derives from the spec (rule tables, layouts, revisions...) in WeakMaps keyed
 * by the spec or by its data objects. With one shared spec, the code filling a
 * cache would run only in the first test that needs it, Stryker's per-test
 * coverage would credit that test alone, and a mutant there would be tried
 * against that one test although every later case reads the cached value.
 * A fresh view (a new object, each data file and choices file cloned on first
 * use) makes each test fill the caches it uses, so coverage names every test
 * that depends on them. Module-level code still runs when the suite starts,
 * outside any test, so Stryker counts it as static and tries it against all tests.
 */
import type { CaseInput } from "../../core/interface";
import type { AreaName } from "../../spec/types/generated";
import { loadSpec, type Spec } from "../../spec";
import { conformanceSuite } from "../../runner/vitest.mts";

function freshView(spec: Spec): Spec {
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

conformanceSuite({
  core: async () => {
    const { createReferenceExecutor } = await import("../../core/reference");
    const spec = loadSpec();
    return {
      description: createReferenceExecutor(spec).description,
      execute: (input: CaseInput) => createReferenceExecutor(freshView(spec)).execute(input),
    };
  },
  name: "conformance",
  strict: true,
});
