/**
 * Profiles based on another (`basedOn`): where clauses hold (spec/index.ts)
 * and where cases apply (runner/applicability.ts), with xen-4.17, based on
 * xen-4.22, as the derived profile; and a spec whose profiles.json is edited,
 * for what the loader refuses.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../spec";
import { specDataDir } from "../../spec/paths";
import type { Case, ProfileCatalogue, Report } from "../../spec/types/generated";
import { profileRuns } from "../../runner/applicability";
import { expectationFor, polarityIn } from "../../runner/case-checks";
import { loadCaseText, type LoadedCase, type LoadFailure } from "../../runner/loader";
import { stripCase } from "../../runner/strip";
import { runCli, tempDir, writeTree } from "../helpers";

const spec = loadSpec();

/** Physinfo with `max_ver:1`: the same in every Xen profile. */
const physinfo = {
  id: "gnttab.inherit.physinfo",
  title: "physinfo with gnttab=max_ver:1 reports no v2",
  clauses: ["GNTTAB-PHYSINFO-CAPS"],
  polarity: "refuse",
  profiles: ["xen-4.22", "seed-proposals"],
  config: { xen: { cmdline: "gnttab=max_ver:1" } },
  steps: [{ op: "physinfo", expect: { result: "ok", returns: { "cap.gnttab_v2": false } } }],
};

/** A zero-length copy from a domain that does not exist: ignored in xen-4.22, checked in xen-4.17 (gnttab zeroLengthCopy). */
const zeroCopy = {
  id: "gnttab.inherit.zero-copy",
  title: "a zero-length copy naming a missing domain",
  clauses: ["GNTTAB-COPY-BOUNDS"],
  polarity: "accept",
  profiles: ["xen-4.22"],
  config: { domains: [{ domid: 1 }] },
  steps: [{ op: "gnttab_copy", args: { dom: 1, source: { domid: 9, ref: 5 }, dest: { domid: 8, ref: 5 }, len: 0 }, expect: { result: "ok", status: "GNTST_okay" } }],
};

/** A case citing SMAP-CET-FRED-USE, which xen-4.17 excludes (Xen 4.17 has no FRED). */
const fred = {
  id: "smap.inherit.fred",
  title: "fred on an AMD CPU with FRED",
  clauses: ["SMAP-CET-FRED-USE"],
  polarity: "accept",
  profiles: ["xen-4.22"],
  config: { cpu: { vendor: "amd", features: { fred: true } } },
  steps: [{ op: "boot", expect: { result: "ok", state: { "xen.fred": true } } }],
};

const text = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function loaded(area: string, value: object): LoadedCase {
  const result = loadCaseText(`cases/${area}/x.json`, text(value), spec);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.pointer}: ${p.message}`).join("\n"));
  return result;
}

function problems(area: string, value: object): string[] {
  const result = loadCaseText(`cases/${area}/x.json`, text(value), spec);
  if (result.ok) throw new Error("expected the case to be refused");
  return (result as LoadFailure).problems.map((p) => `${p.pointer}: ${p.message}`);
}

function report(files: Record<string, object>, ...args: string[]): Report {
  const dir = writeTree(files);
  const out = tempDir();
  runCli(["run", dir, "--report-dir", out, ...args]);
  return JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
}

const summary = (r: Report): string[][] => r.results.map((x) => [x.id ?? "", x.profile ?? "", x.status, x.inheritedFrom ?? "", x.reason ?? ""]);

describe("where a clause holds", () => {
  it("in a profile based on one it lists, unless it excludes it with a reason", () => {
    expect(spec.profiles.get("xen-4.17")?.basedOn).toBe("xen-4.22");
    expect(spec.derivedProfiles.get("xen-4.22")).toEqual(["xen-4.17"]);
    expect(spec.clauses.get("GNTTAB-PHYSINFO-CAPS")?.profiles).toEqual(["xen-4.22", "seed-proposals", "xen-4.17"]);
    // A clause of xen-4.22 alone is inherited too; one of seed-proposals alone is not.
    expect(spec.clauses.get("PTE-GNTTAB-BIT")?.profiles).toEqual(["xen-4.22", "xen-4.17"]);
    expect(spec.clauses.get("PTE-SEED-PV-PTE-DEBUG")?.profiles).not.toContain("xen-4.17");
    const excluded = spec.clauses.get("SMAP-CET-FRED-USE")!;
    expect(excluded.profiles).toEqual(["xen-4.22", "seed-proposals"]);
    expect(excluded.excludedProfiles?.["xen-4.17"]?.reason).toBe("Xen 4.17 has no FRED");
    // A clause may list the derived profile itself.
    expect(spec.clauses.get("SMAP-FRED-ABSENT")?.profiles).toEqual(["xen-4.17"]);
  });

  it("refuses a basedOn that names no profile or a profile itself based on another", () => {
    const edited = (edit: (catalogue: ProfileCatalogue) => void): string => {
      const dir = join(tempDir(), "data");
      cpSync(specDataDir(), dir, { recursive: true });
      const file = join(dir, "profiles.json");
      const catalogue = JSON.parse(readFileSync(file, "utf8")) as ProfileCatalogue;
      edit(catalogue);
      writeFileSync(file, JSON.stringify(catalogue));
      return dir;
    };
    const unknown = edited((c) => (c.profiles.find((p) => p.name === "xen-4.17")!.basedOn = "xen-9.99"));
    expect(() => loadSpec(unknown)).toThrow(/profile xen-4.17 is based on xen-9.99, which is not a profile/);
    const chain = edited((c) => c.profiles.push({ ...c.profiles.find((p) => p.name === "xen-4.17")!, name: "xen-4.16", basedOn: "xen-4.17" }));
    expect(() => loadSpec(chain)).toThrow(/xen-4.16 is based on xen-4.17, which is itself based on xen-4.22 \(one level only\)/);
  });
});

describe("where a case applies", () => {
  it("to the profiles it lists, then to those based on them, with the base named", () => {
    expect(loaded("gnttab", physinfo).runs).toEqual([{ profile: "xen-4.22" }, { profile: "seed-proposals" }, { profile: "xen-4.17", inheritedFrom: "xen-4.22" }]);
    // Nothing is based on seed-proposals or the CR-pinning revisions.
    expect(loaded("gnttab", { ...physinfo, profiles: ["seed-proposals"] }).runs).toEqual([{ profile: "seed-proposals" }]);
    // A case listing the derived profile itself inherits nothing.
    expect(loaded("gnttab", { ...physinfo, profiles: ["xen-4.22", "xen-4.17"] }).runs).toEqual([{ profile: "xen-4.22" }, { profile: "xen-4.17" }]);
  });

  it("with the base's expectation and polarity, unless the case gives the derived profile its own", () => {
    const plain = loaded("gnttab", zeroCopy);
    const step = plain.data.steps[0]!;
    expect(expectationFor(step, "xen-4.17", "xen-4.22")).toEqual({ result: "ok", status: "GNTST_okay" });
    expect(polarityIn(plain.data, "xen-4.17", "xen-4.22")).toBe("accept");

    const own = loaded("gnttab", {
      ...zeroCopy,
      polarity: { "xen-4.22": "accept", "xen-4.17": "refuse" },
      steps: [{ ...zeroCopy.steps[0], expectByProfile: { "xen-4.17": { result: "ok", status: "GNTST_bad_domain" } } }],
    });
    const overridden = own.data.steps[0]!;
    expect(expectationFor(overridden, "xen-4.22")).toEqual({ result: "ok", status: "GNTST_okay" });
    expect(expectationFor(overridden, "xen-4.17", "xen-4.22")).toEqual({ result: "ok", status: "GNTST_bad_domain" });
    expect(polarityIn(own.data, "xen-4.17", "xen-4.22")).toBe("refuse");

    // Per-profile expectations without `expect`: the derived profile falls back to its base's entry.
    const byProfile = loaded("gnttab", { ...zeroCopy, steps: [{ op: "gnttab_copy", args: zeroCopy.steps[0]!.args, expectByProfile: { "xen-4.22": { result: "ok", status: "GNTST_okay" } } }] });
    expect(expectationFor(byProfile.data.steps[0]!, "xen-4.17", "xen-4.22")).toEqual({ result: "ok", status: "GNTST_okay" });
    // What a core sees is the derived profile, so it uses the derived profile's choices.
    expect(stripCase(plain.data as Case, "gnttab", "xen-4.17", "xen-4.22").profile).toBe("xen-4.17");
  });

  it("runs in the derived profile with the base's expectation, and its own where given", () => {
    const inherited = report({ "gnttab/zero-copy.json": zeroCopy });
    // xen-4.17 checks the zero-length copy (gnttab zeroLengthCopy): the inherited expectation fails there.
    expect(summary(inherited)).toEqual([
      ["gnttab.inherit.zero-copy", "xen-4.22", "pass", "", ""],
      ["gnttab.inherit.zero-copy", "xen-4.17", "fail", "xen-4.22", 'step 0 (gnttab_copy): status expected "GNTST_okay", observed "GNTST_bad_domain"'],
    ]);
    const own = {
      ...zeroCopy,
      polarity: { "xen-4.22": "accept", "xen-4.17": "refuse" },
      steps: [{ ...zeroCopy.steps[0], expectByProfile: { "xen-4.17": { result: "ok", status: "GNTST_bad_domain" } } }],
    };
    const fixed = report({ "gnttab/zero-copy.json": own });
    expect(fixed.results.map((r) => [r.profile, r.status, r.polarity, r.inheritedFrom ?? null])).toEqual([
      ["xen-4.22", "pass", "accept", null],
      ["xen-4.17", "pass", "refuse", "xen-4.22"],
    ]);
  });

  it("is a skip naming the clause and the reason from data when a clause it cites does not hold in the derived profile", () => {
    const run = loaded("smap", fred).runs;
    expect(run[1]).toEqual({
      profile: "xen-4.17",
      inheritedFrom: "xen-4.22",
      skip: "differs in xen-4.22 only: clause SMAP-CET-FRED-USE does not hold in xen-4.17 (Xen 4.17 has no FRED)",
    });
    const selected = report({ "smap/fred.json": fred }, "--profile", "xen-4.17");
    expect(summary(selected)).toEqual([
      ["smap.inherit.fred", "xen-4.17", "skip", "xen-4.22", "differs in xen-4.22 only: clause SMAP-CET-FRED-USE does not hold in xen-4.17 (Xen 4.17 has no FRED)"],
    ]);
    expect(selected.ok).toBe(true);
  });

  it("is a skip with the case's own reason when it opts out, a reason it must give", () => {
    const optOut = { ...physinfo, excludedProfiles: { "xen-4.17": "checked against 4.22 only, on purpose" } };
    expect(loaded("gnttab", optOut).runs.at(-1)).toEqual({
      profile: "xen-4.17",
      inheritedFrom: "xen-4.22",
      skip: "the case opts out of xen-4.17 (based on xen-4.22): checked against 4.22 only, on purpose",
    });
    expect(problems("gnttab", { ...physinfo, excludedProfiles: { "xen-4.17": "" } })).toEqual([expect.stringMatching(/^\/excludedProfiles\/xen-4.17: .*(at least|fewer than|short)/)]);
    expect(problems("gnttab", { ...physinfo, excludedProfiles: { "xen-4.17": true } })[0]).toMatch(/^\/excludedProfiles\/xen-4.17: /);
    // Only a profile the case inherits can be excluded.
    expect(problems("gnttab", { ...physinfo, excludedProfiles: { "seed-proposals": "listed, so not inherited" } })).toEqual([
      '/excludedProfiles/seed-proposals: the case can exclude only a profile it inherits (based on one it lists, and not listed itself); "seed-proposals" is not one',
    ]);
  });

  it("is not run at all, as before, in a selected profile it neither lists nor inherits", () => {
    const seedOnly = { ...physinfo, id: "gnttab.inherit.seed-only", profiles: ["seed-proposals"] };
    const selected = report({ "gnttab/physinfo.json": physinfo, "gnttab/seed-only.json": seedOnly }, "--profile", "xen-4.17");
    expect(summary(selected)).toEqual([["gnttab.inherit.physinfo", "xen-4.17", "pass", "xen-4.22", ""]]);
    expect(report({ "gnttab/seed-only.json": seedOnly }, "--profile", "crpin-v3").results).toEqual([]);
  });

  it("refuses per-profile entries for profiles the case neither lists nor inherits, or where it does not run", () => {
    const withStep = (entries: object, expect?: object) => ({ ...physinfo, steps: [{ op: "physinfo", ...(expect ? { expect } : {}), expectByProfile: entries }] });
    const outcome = { result: "ok" };
    // Beside `expect`, only inherited profiles.
    expect(problems("gnttab", withStep({ "xen-4.22": outcome }, outcome))).toEqual([
      '/steps/0/expectByProfile: expectByProfile beside "expect" may name only profiles based on the case\'s (to give them their own expectation)',
    ]);
    // Without `expect`: every listed profile, and inherited ones besides.
    expect(loaded("gnttab", withStep({ "xen-4.22": outcome, "seed-proposals": outcome, "xen-4.17": outcome })).runs).toHaveLength(3);
    expect(problems("gnttab", withStep({ "xen-4.22": outcome, "xen-4.17": outcome }))).toEqual([
      "/steps/0/expectByProfile: expectByProfile must name exactly the case's profiles (and may add profiles based on them)",
    ]);
    expect(problems("gnttab", withStep({ "crpin-v3": outcome }, outcome))).toEqual([
      '/steps/0/expectByProfile: expectByProfile beside "expect" may name only profiles based on the case\'s (to give them their own expectation)',
    ]);
    // An expectation for an inherited profile where the case is a skip would never be used.
    expect(problems("smap", { ...fred, steps: [{ ...fred.steps[0], expectByProfile: { "xen-4.17": { result: "ok" } } }] })).toEqual([
      "/steps/0/expectByProfile/xen-4.17: expectByProfile names xen-4.17, where the case does not run: differs in xen-4.22 only: clause SMAP-CET-FRED-USE does not hold in xen-4.17 (Xen 4.17 has no FRED)",
    ]);
    expect(problems("gnttab", { ...physinfo, polarity: { "xen-4.22": "refuse", "seed-proposals": "refuse", "crpin-v3": "accept" } })).toEqual([
      "/polarity: a per-profile polarity must name exactly the case's profiles (and may add profiles based on them)",
    ]);
  });
});
