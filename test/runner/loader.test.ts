import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import { loadCaseText, type LoadFailure } from "../../runner/loader";
import { formatProblem } from "../../spec/validation/schema-errors";

const spec = loadSpec();

const validCase = {
  $schema: "../../spec/case.schema.json",
  id: "gnttab.test.valid",
  title: "a valid grant-table case",
  clauses: ["GNTTAB-SETVER-V2-NEEDS-MAX2"],
  polarity: "refuse",
  profiles: ["xen-4.22", "seed-proposals"],
  config: { domains: [{ maxGrantVersion: 1 }] },
  steps: [{ op: "gnttab_set_version", args: { version: 2 }, expect: { result: "ENOSYS", returns: { version: 1 } } }],
};

const text = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function failure(file: string, content: string): LoadFailure {
  const result = loadCaseText(file, content, spec);
  if (result.ok) throw new Error("expected the case to be refused");
  return result;
}

describe("loading a case file", () => {
  it("accepts a valid case and fills in every default", () => {
    const result = loadCaseText("cases/gnttab/valid.json", text(validCase), spec);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.area).toBe("gnttab");
    expect(result.data.config.xen?.build).toBe("release");
    expect(result.data.config.domains?.[0]?.domid).toBe(1);
    const step = result.data.steps[0];
    expect(step && "args" in step ? step.args : undefined).toEqual({ version: 2, dom: 1 });
  });

  it("locates a JSON syntax error by line and column", () => {
    const broken = text(validCase).replace('"refuse",', '"refuse"');
    const { problems } = failure("cases/gnttab/broken.json", broken);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 9, column: 3 });
    expect(formatProblem("cases/gnttab/broken.json", problems[0]!)).toMatch(/^cases\/gnttab\/broken\.json:9:3: JSON syntax error: expected ','/);
  });

  it("names the JSON pointer, what was expected and what was found for a schema violation", () => {
    const wrong = text({ ...validCase, steps: [{ ...validCase.steps[0], args: { version: "2" } }] });
    const { problems } = failure("cases/gnttab/wrong.json", wrong);
    expect(problems).toEqual([
      expect.objectContaining({ pointer: "/steps/0/args/version", expected: "integer", found: 'string "2"', line: expect.any(Number) }),
    ]);
    const message = formatProblem("cases/gnttab/wrong.json", problems[0]!);
    expect(message).toContain("/steps/0/args/version: wrong type (expected integer, found string \"2\")");
  });

  it("reports a misspelt expectation field precisely instead of every anyOf branch", () => {
    const typo = text({ ...validCase, steps: [{ ...validCase.steps[0], expect: { resutl: "ENOSYS" } }] });
    const { problems } = failure("cases/gnttab/typo.json", typo);
    expect(problems.map((p) => p.message).sort()).toEqual(['missing required property "result"', 'unexpected property "resutl"']);
  });

  it("names an unknown operation", () => {
    const unknown = text({ ...validCase, steps: [{ op: "gnttab_set_versoin", args: { version: 2 }, expect: { result: "ok" } }] });
    const { problems } = failure("cases/gnttab/op.json", unknown);
    expect(problems[0]).toMatchObject({ pointer: "/steps/0/op", message: "unknown operation", found: '"gnttab_set_versoin"' });
  });

  it("refuses an unknown clause id", () => {
    const { problems } = failure("cases/gnttab/clause.json", text({ ...validCase, clauses: ["GNTTAB-NO-SUCH-CLAUSE"] }));
    expect(problems[0]).toMatchObject({ pointer: "/clauses/0", message: 'unknown clause "GNTTAB-NO-SUCH-CLAUSE"', line: 6, column: 5 });
  });

  it("refuses a clause from another area than the folder", () => {
    const { problems } = failure("cases/smap/clause.json", text({ ...validCase, id: "smap.test.x" }));
    expect(problems.some((p) => p.message.includes('belongs to area "gnttab"'))).toBe(true);
  });

  it("refuses an id that does not start with the folder's area", () => {
    const { problems } = failure("cases/gnttab/id.json", text({ ...validCase, id: "crpin.test.x" }));
    expect(problems[0]).toMatchObject({ pointer: "/id" });
  });

  it("refuses a case file outside an area folder", () => {
    const { problems } = failure("cases/misc/x.json", text(validCase));
    expect(problems[0]?.message).toContain('"misc" is not an area');
  });

  it("refuses unknown profiles, uncatalogued state keys and wrong message parameters", () => {
    const bad = {
      ...validCase,
      profiles: ["xen-4.22", "xen-9.99"],
      steps: [
        {
          op: "boot",
          expect: { result: "ok", state: { "xen.gnttab.nope": 1 }, log: [{ msg: "param-invalid", param: "gnttab" }] },
        },
      ],
    };
    const messages = failure("cases/gnttab/bad.json", text(bad)).problems.map((p) => p.message);
    expect(messages).toContain('unknown profile "xen-9.99"');
    expect(messages).toContain('unknown state key "xen.gnttab.nope"');
    expect(messages).toContain('wrong parameters for message "param-invalid"');
  });

  it("requires expectByProfile to name exactly the case's profiles", () => {
    const bad = { ...validCase, steps: [{ op: "gnttab_set_version", args: { version: 2 }, expectByProfile: { "xen-4.22": { result: "ENOSYS" }, "crpin-v9": { result: "ok" } } }] };
    const { problems } = failure("cases/gnttab/by-profile.json", text(bad));
    expect(problems.find((p) => p.pointer === "/steps/0/expectByProfile")).toMatchObject({ expected: "seed-proposals, xen-4.22", found: "crpin-v9, xen-4.22" });
  });
});
