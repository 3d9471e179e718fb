import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { caseHash, canonicalJson } from "../../runner/case-identity";
import { judgeAgainstBaseline, updateBaseline } from "../../reports/baseline";
import type { Report } from "../../spec/types/generated";
import { runCli, tempDir, writeTree } from "../helpers";

const authored = {
  id: "gnttab.identity.a",
  title: "physinfo with max_ver:1",
  clauses: ["GNTTAB-PHYSINFO-CAPS"],
  polarity: "accept",
  profiles: ["xen-4.22"],
  config: { xen: { cmdline: "gnttab=max_ver:1" } },
  steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": false } }, note: "why" }],
};

describe("case identity", () => {
  it("serialises with sorted keys", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it("hashes what the author wrote, independent of key order, formatting, title, clauses and notes", () => {
    const reordered = JSON.parse(JSON.stringify({ steps: authored.steps, config: authored.config, id: "x", title: "other" })) as typeof authored;
    reordered.steps = [{ expect: { returns: { "cap.gnttab_v2": false }, result: "ok" }, op: "physinfo", note: "another note" }] as typeof authored.steps;
    expect(caseHash(reordered)).toBe(caseHash(authored));
    expect(caseHash(authored)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("changes when the configuration, an argument or an expectation changes", () => {
    const hash = caseHash(authored);
    expect(caseHash({ ...authored, config: { xen: { cmdline: "gnttab=max_ver:2" } } })).not.toBe(hash);
    expect(caseHash({ ...authored, steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": true } } }] })).not.toBe(hash);
  });

  it("is recorded in report.json and lets a baseline tell an edited case from an unchanged one", () => {
    const failing = { ...authored, steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": true } } }] };
    const run = (caseFile: object): Report => {
      const out = tempDir();
      runCli(["run", writeTree({ "gnttab/a.json": caseFile }), "--report-dir", out]);
      return JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
    };
    const before = run(failing);
    expect(before.results[0]).toMatchObject({ status: "fail", hash: caseHash(failing) });
    const baseline = updateBaseline(before, undefined).baseline;
    expect(baseline.entries[0]?.hash).toBe(caseHash(failing));
    expect(judgeAgainstBaseline(before, baseline)).toMatchObject({ ok: true, revised: [] });
    const edited = { ...failing, config: { xen: { cmdline: "gnttab=max_ver:01" } } };
    const after = run(edited);
    const verdict = judgeAgainstBaseline(after, baseline);
    expect(verdict.ok).toBe(true);
    // The case runs in xen-4.22 and, inherited, in xen-4.17: both entries are revised.
    expect(verdict.revised.map((r) => [r.entry.id, r.entry.profile])).toEqual([["gnttab.identity.a", "xen-4.22"], ["gnttab.identity.a", "xen-4.17"]]);
  });
});
