import { describe, expect, it } from "vitest";
import {
  customHandlerArgument,
  parseBool,
  parseBoolean,
  printedCustomKey,
  printedValue,
  splitOptions,
  strictDecimal,
} from "../../core/reference/xen/cmdline";

describe("Xen command-line parsing (xen-pv-abi-facts K1–K3)", () => {
  it("parse_bool knows exactly ten strings, case-sensitively", () => {
    for (const yes of ["1", "on", "yes", "true", "enable"]) expect(parseBool(yes)).toBe(1);
    for (const no of ["0", "no", "off", "false", "disable"]) expect(parseBool(no)).toBe(0);
    for (const other of ["", "ON", "True", "2", "y", "enabled"]) expect(parseBool(other)).toBe(-1);
  });

  it("parse_boolean tells name, no-name, name=<bool>, name=<junk> and others apart", () => {
    expect(parseBoolean("transitive", "transitive")).toBe(1);
    expect(parseBoolean("transitive", "no-transitive")).toBe(0);
    expect(parseBoolean("transitive", "transitive=off")).toBe(0);
    expect(parseBoolean("transitive", "transitive=maybe")).toBe(-2);
    expect(parseBoolean("transitive", "no-transitive=1")).toBe(-1);
    expect(parseBoolean("transitive", "transitivex")).toBe(-1);
    expect(parseBoolean("transitive", "transfer")).toBe(-1);
  });

  it("splits options on spaces only, at the first =, truncating at 127 characters", () => {
    const [first, second, third] = splitOptions("  gnttab=max_ver:1=x  no-smap\tx " + "a".repeat(200));
    expect(first).toMatchObject({ key: "gnttab", name: "gnttab", value: "max_ver:1=x", negated: false });
    expect(second).toMatchObject({ key: "no-smap\tx", name: "smap\tx", negated: true });
    expect(third?.key).toHaveLength(127);
  });

  it("hands custom handlers the value, \"no\" for a bare no-KEY, and nothing for no-KEY=VALUE", () => {
    const [plain, bareNo, noWithValue] = splitOptions("gnttab=a no-gnttab no-gnttab=a");
    expect(customHandlerArgument(plain!)).toBe("a");
    expect(customHandlerArgument(bareNo!)).toBe("no");
    expect(printedValue(bareNo!)).toBe("no");
    expect(customHandlerArgument(noWithValue!)).toBeUndefined();
  });

  it("prints the key \"no\" for a bare no-KEY of a custom parameter, whose buffer then holds the handler's \"no\"", () => {
    const [plain, bareNo, emptyNo, noWithValue] = splitOptions("gnttab=a no-gnttab no-gnttab= no-gnttab=a");
    expect(printedCustomKey(plain!)).toBe("gnttab");
    expect(printedCustomKey(bareNo!)).toBe("no");
    expect(printedCustomKey(emptyNo!)).toBe("no");
    expect(printedCustomKey(noWithValue!)).toBe("no-gnttab");
  });

  it("ends the command line at the first NUL, as Xen reads a C string", () => {
    expect(splitOptions("gnttab=max_ver:1\u0000 gnttab=max_ver:2").map((o) => o.value)).toEqual(["max_ver:1"]);
  });

  it("reads decimal numbers as simple_strtol does, wrapping at 2^64, over the whole string only", () => {
    expect(strictDecimal("02")).toBe(2n);
    expect(strictDecimal("-1")).toBe(-1n);
    expect(strictDecimal("18446744073709551617")).toBe(1n);
    expect(strictDecimal("-18446744073709551615")).toBe(1n);
    expect(strictDecimal("")).toBe(0n);
    for (const bad of ["+2", "0x2", "2x", " 2"]) expect(strictDecimal(bad)).toBeUndefined();
  });
});
