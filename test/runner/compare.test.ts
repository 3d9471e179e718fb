import { describe, expect, it } from "vitest";
import { compareStep, sameValue } from "../../runner/compare";

describe("comparing values", () => {
  it("compares hex strings as numbers", () => {
    expect(sameValue("0x0620", "0x620")).toBe(true);
    expect(sameValue("0x620", 1568)).toBe(true);
    expect(sameValue("0xFFFFFFFFFFFFFFFF", "0xffffffffffffffff")).toBe(true);
    expect(sameValue("0x620", "0x660")).toBe(false);
  });

  it("treats null as absent", () => {
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue(null, 0)).toBe(false);
  });

  it("compares other values exactly", () => {
    expect(sameValue(1, 1)).toBe(true);
    expect(sameValue(1, "1")).toBe(false);
    expect(sameValue(true, 1)).toBe(false);
    expect(sameValue(["a", "0x1"], ["a", "0x01"])).toBe(true);
    expect(sameValue(["a"], ["a", "b"])).toBe(false);
  });
});

describe("comparing a step", () => {
  it("passes when every given field matches, comparing state partially", () => {
    expect(compareStep({ result: "ok", state: { a: 1 } }, { result: "ok", state: { a: 1, b: 2 } })).toEqual([]);
  });

  it("reports each differing field", () => {
    expect(compareStep({ result: "EINVAL", returns: { version: 1 } }, { result: "ok", returns: { version: 2 } })).toEqual([
      { field: "result", expected: "EINVAL", observed: "ok" },
      { field: "returns.version", expected: 1, observed: 2 },
    ]);
  });

  it("compares status and fault exactly, absence included", () => {
    expect(compareStep({ result: "ok" }, { result: "ok", status: "GNTST_okay" })).toEqual([{ field: "status", expected: null, observed: "GNTST_okay" }]);
    expect(compareStep({ result: "fault", fault: { vector: "#GP" } }, { result: "fault", fault: { vector: "#GP", errorCode: "0x0" } })).toHaveLength(1);
    expect(compareStep({ result: "fault", fault: { vector: "#GP", errorCode: "0x0" } }, { result: "fault", fault: { vector: "#GP", errorCode: "0x00" } })).toEqual([]);
  });

  it("requires the exact log when one is given", () => {
    const log = [{ msg: "param-unknown", param: "x" }];
    expect(compareStep({ result: "ok", log }, { result: "ok", log })).toEqual([]);
    expect(compareStep({ result: "ok", log: [] }, { result: "ok", log })).toHaveLength(1);
    expect(compareStep({ result: "ok" }, { result: "ok", log })).toEqual([]);
  });

  it("passes when any acceptable outcome matches and otherwise reports the closest", () => {
    const expectation = { acceptable: [{ result: "EINVAL" as const }, { result: "ENOSYS" as const, returns: { version: 1 } }] };
    expect(compareStep(expectation, { result: "ENOSYS", returns: { version: 1 } })).toEqual([]);
    expect(compareStep(expectation, { result: "EPERM" })).toEqual([{ field: "result", expected: "EINVAL", observed: "EPERM" }]);
  });
});
