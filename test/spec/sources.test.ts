/**
 * Every clause cites real sources: fact ids that exist in ../shared/domain,
 * seed files that exist, and seed quotes that appear in the seed's text.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import type { Source } from "../../spec/types/generated";
import { ROOT } from "../helpers";

const SHARED = join(ROOT, "..", "shared");
const available = existsSync(join(SHARED, "domain"));
const required = process.env.CI === "true";

/** Mailing-list quoting (`>`), diff markers (`+`) and line breaks do not change what a sentence says. */
const normalise = (text: string): string => text.replace(/^[>+ \t]+/gm, "").replace(/\s+/g, " ").trim();

function factExists(file: string, id: string): boolean {
  const text = readFileSync(join(SHARED, "domain", `${file}.md`), "utf8");
  const pattern = /^[A-Z]/.test(id) ? new RegExp(`\\*\\*${id}\\.`) : new RegExp(`^${id}\\. \\*\\*`, "m");
  return pattern.test(text);
}

describe("clause sources", () => {
  it("can see ../shared (required on CI)", () => {
    if (required) expect(available, "CI runs with ../shared beside the clone").toBe(true);
  });

  const spec = loadSpec();
  const clauses = [...spec.clauses.values()];
  it.runIf(available).each(clauses.map((c) => [c.id, c.sources] as [string, Source[]]))("%s cites sources that exist", (_id, sources) => {
    for (const source of sources) {
      if (typeof source === "string") {
        const fact = /^(xen-pv-abi-facts|cr-pinning-and-x86-facts) ([A-Z]?[0-9]+)$/.exec(source);
        if (fact) expect(factExists(fact[1]!, fact[2]!), source).toBe(true);
        else expect(existsSync(join(SHARED, "seeds", source.replace(/^seed /, ""))), source).toBe(true);
      } else if ("seed" in source) {
        const seed = readFileSync(join(SHARED, "seeds", source.seed), "utf8");
        expect(normalise(seed), `quote from ${source.seed}`).toContain(normalise(source.quote));
      }
    }
  });
});
