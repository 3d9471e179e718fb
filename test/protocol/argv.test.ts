import { describe, expect, it } from "vitest";
import { CommandLineError, splitCommandLine } from "../../core/protocol/argv";
import { CoreRefError, CoreResolutionError } from "../../runner/core-kinds/core-kind";
import { moduleKind } from "../../runner/core-kinds/module";
import { parseCoreRef } from "../../runner/resolve-core";

describe("splitting an exec: command into argv", () => {
  it.each([
    ["./core", ["./core"]],
    ["  ./core   --fast\t-v ", ["./core", "--fast", "-v"]],
    ["node 'my core.js' --name \"a b\"", ["node", "my core.js", "--name", "a b"]],
    ["'it''s'", ["its"]],
    ["a\\ b c", ["a b", "c"]],
    ['"say \\"hi\\" \\\\ \\n"', ['say "hi" \\ \\n']],
    ["'$HOME' $HOME ~ *.js a|b >out", ["$HOME", "$HOME", "~", "*.js", "a|b", ">out"]],
    ["''", [""]],
    ["x ''", ["x", ""]],
  ])("%j → %j", (command, argv) => {
    expect(splitCommandLine(command)).toEqual(argv);
  });

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["./core 'open", /unclosed ' quote/],
    ['./core "open', /unclosed " quote/],
    ["./core \\", /lone backslash/],
  ])("refuses %j", (command, message) => {
    expect(() => splitCommandLine(command)).toThrow(CommandLineError);
    expect(() => splitCommandLine(command)).toThrow(message);
  });
});

describe("naming a core", () => {
  it("knows the three kinds", () => {
    expect(parseCoreRef("reference").kind.name).toBe("reference");
    expect(parseCoreRef("./examples/version-core.ts").kind.name).toBe("module");
    expect(moduleKind.parseOptions("./examples/version-core.ts")).toEqual({ path: "./examples/version-core.ts" });
    expect(parseCoreRef("core.mjs").kind.name).toBe("module");
    expect(moduleKind.parseOptions("core.mjs")).toEqual({ path: "core.mjs" });
    const exec = parseCoreRef("exec:./c-impl/hvabi-core --profile 'xen 4.22'");
    expect(exec.kind.name).toBe("exec");
    expect(exec.protocolCommand).toEqual(["./c-impl/hvabi-core", "--profile", "xen 4.22"]);
  });

  it("explains what it does not know", () => {
    expect(() => parseCoreRef("./core.py")).toThrow(CoreResolutionError);
    expect(() => parseCoreRef("./core.py")).toThrow(CoreRefError);
    expect(() => parseCoreRef("./core.py")).toThrow(/exec:<program>/);
    expect(() => parseCoreRef("exec:")).toThrow(/command is empty/);
  });
});
