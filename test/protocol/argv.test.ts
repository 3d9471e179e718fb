import { describe, expect, it } from "vitest";
import { CommandLineError, splitCommandLine } from "../../core/protocol/argv";
import { CoreResolutionError, parseCoreSpec } from "../../runner/resolve-core";

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
    expect(parseCoreSpec("reference")).toEqual({ kind: "reference" });
    expect(parseCoreSpec("./examples/version-core.ts")).toEqual({ kind: "module", path: "./examples/version-core.ts" });
    expect(parseCoreSpec("core.mjs")).toEqual({ kind: "module", path: "core.mjs" });
    expect(parseCoreSpec("exec:./c-impl/hvabi-core --profile 'xen 4.22'")).toEqual({ kind: "exec", argv: ["./c-impl/hvabi-core", "--profile", "xen 4.22"] });
  });

  it("explains what it does not know", () => {
    expect(() => parseCoreSpec("./core.py")).toThrow(CoreResolutionError);
    expect(() => parseCoreSpec("./core.py")).toThrow(/exec:<program>/);
    expect(() => parseCoreSpec("exec:")).toThrow(/command is empty/);
  });
});
