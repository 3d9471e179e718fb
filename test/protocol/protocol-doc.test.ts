/**
 * docs/protocol.md is what implementers read: its limits table matches
 * spec/data/protocol.json, and its minimal Python core passes check-core.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { protocolLimits, protocolSettings } from "../../core/protocol/settings";
import { checkCore } from "../../runner/check-core/check";
import { loadSpec } from "../../spec";
import { defaultCasesDir } from "../../spec/paths";
import { ROOT, writeTree } from "../helpers";

const doc = readFileSync(join(ROOT, "docs", "protocol.md"), "utf8");
const python = spawnSync("python3", ["--version"]).status === 0;

describe("docs/protocol.md", () => {
  it.each(Object.entries(protocolSettings().limits))("gives the default of %s as in spec/data/protocol.json", (name, value) => {
    expect(doc).toMatch(new RegExp(`\\| \`${name}\` \\| ${value} \\|`));
  });

  it("names the protocol version of spec/data/protocol.json", () => {
    expect(doc).toContain(`"protocol": ${protocolSettings().version}`);
  });

  it.runIf(python)("has a minimal core that passes check-core", async () => {
    const source = /```python\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(source).toBeDefined();
    const dir = writeTree({ "core.py": source! });
    const report = await checkCore(["python3", join(dir, "core.py")], { spec: loadSpec(), limits: protocolLimits(), casePaths: [defaultCasesDir()] });
    expect(report.findings.filter((f) => f.severity === "problem")).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
