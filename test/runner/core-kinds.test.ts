/**
 * The table of core kinds (runner/core-kinds/) is the one place `--core` is
 * understood: its entries do not overlap, a kind named by its name can take
 * options after it, and the usage text and the "unknown core" message are
 * written from the table.
 */
import { extname } from "node:path";
import { describe, expect, it } from "vitest";
import type { Core } from "../../core/interface";
import { CORE_KINDS } from "../../runner/core-kinds";
import { CoreRefError, registerCoreKind, type CoreKind } from "../../runner/core-kinds/core-kind";
import { coreKindsUsage, parseCoreRef, protocolCommandFor, resolveCore } from "../../runner/resolve-core";
import { runCli } from "../helpers";

/** A kind as the real-Xen core will be: a name, then options (`probe --answer 42`). */
const probeKind: CoreKind<{ answer: number }> = {
  name: "probe",
  recognise: { by: "name" },
  usage: { form: "probe [--answer N]", runs: "a test-only core kind" },
  capabilities: { inProcess: true, workerThreads: "never" },
  parseOptions(argument) {
    const match = /^(?:--answer (\d+))?$/.exec(argument);
    if (match === null) throw new CoreRefError(`probe takes --answer N, not "${argument}"`);
    return { answer: Number(match[1] ?? 0) };
  },
  async start({ answer }, { reference }): Promise<Core> {
    const description = { name: `probe-${answer}`, version: reference, profiles: [], areas: [], operations: [] };
    return { description, run: async (cases) => cases.map(() => ({ kind: "skipped" as const, reason: "probe" })), close: async () => undefined };
  },
};
const withProbe = [...CORE_KINDS, registerCoreKind(probeKind)];

describe("the table of core kinds", () => {
  it("holds reference, module, exec and xen-qemu, each recognised one way that overlaps no other", () => {
    expect(CORE_KINDS.map((kind) => kind.name)).toEqual(["reference", "module", "exec", "xen-qemu"]);
    const names = CORE_KINDS.map((kind) => kind.name);
    expect(new Set(names).size).toBe(names.length);
    const prefixes = CORE_KINDS.flatMap((kind) => (kind.recognise.by === "prefix" ? [kind.recognise.prefix] : []));
    for (const prefix of prefixes) expect(prefixes.filter((other) => other.startsWith(prefix))).toEqual([prefix]);
    const extensions = CORE_KINDS.flatMap((kind) => (kind.recognise.by === "extension" ? kind.recognise.extensions : []));
    expect(new Set(extensions).size).toBe(extensions.length);
    for (const kind of CORE_KINDS.filter((candidate) => candidate.recognise.by === "name")) {
      expect(prefixes.some((prefix) => kind.name.startsWith(prefix))).toBe(false);
      expect(extensions).not.toContain(extname(kind.name));
    }
  });

  it("reads a kind's options after its name, and refuses options its kind does not take", async () => {
    const ref = parseCoreRef("probe --answer 42", withProbe);
    expect(ref.kind.name).toBe("probe");
    const core = await resolveCore(ref);
    expect(core.description).toMatchObject({ name: "probe-42", version: "probe --answer 42" });
    expect((await resolveCore(parseCoreRef("probe", withProbe))).description.name).toBe("probe-0");
    expect(() => parseCoreRef("probe --answer", withProbe)).toThrow(`--core probe --answer: probe takes --answer N, not "--answer"`);
    expect(() => parseCoreRef("reference --fast")).toThrow(CoreRefError);
    // A name is a whole word: a longer word is not the kind.
    expect(() => parseCoreRef("prober", withProbe)).toThrow(/unknown core "prober"/);
  });

  it("tells a core in hvabi's process to check-core through hvabi serve, and a program as itself", () => {
    expect(protocolCommandFor(parseCoreRef("exec:./my-core --fast"))).toEqual(["./my-core", "--fast"]);
    expect(protocolCommandFor(parseCoreRef("probe --answer 1", withProbe))?.slice(2)).toEqual(["serve", "--core", "probe --answer 1"]);
  });

  it("writes the usage lines and the unknown-core message from the table", () => {
    const usage = coreKindsUsage("  ", withProbe);
    for (const kind of withProbe) expect(usage).toContain(`  ${kind.usage.form}`);
    expect(usage).toContain("probe [--answer N]");
    expect(() => parseCoreRef("no-such-core", withProbe)).toThrow(
      `unknown core "no-such-core": use reference, ./core.js|.cjs|.mjs|.ts|.cts, exec:<program> [args…], xen-qemu [options] or probe [--answer N]`,
    );
  });

  it("is what hvabi run --help lists", () => {
    const help = runCli(["run", "--help"]);
    expect(help.status).toBe(0);
    for (const kind of CORE_KINDS) expect(help.stdout).toContain(kind.usage.form);
  });
});
