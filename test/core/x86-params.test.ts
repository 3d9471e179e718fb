/** The x86 command-line handlers of the Xen areas, element by element. */
import { describe, expect, it } from "vitest";
import { defaultSmapOptions, parseCet, parsePv, parseSmapLike, type ConfigDisabled } from "../../core/reference/xen/smap/options";
import { defaultPtshareOptions, parsePcid, parseXpti } from "../../core/reference/xen/ptshare/options";
import { profileChoices } from "../../spec";
import type { SmapChoices } from "../../spec/types/generated";
import { spec } from "./xen-machine";

const EINVAL = 22;

describe("smap= and smep= (S1, S2)", () => {
  const merged = { hvm: "hvm" as const };
  const seed = { compat: "compat" as const, fixup: "fixup" as const };
  it("reads empty as on, K2 booleans, then the profile's keywords exactly", () => {
    expect(parseSmapLike("", merged)).toBe("on");
    expect(parseSmapLike("no", merged)).toBe("off");
    expect(parseSmapLike("enable", merged)).toBe("on");
    expect(parseSmapLike("hvm", merged)).toBe("hvm");
    expect(parseSmapLike("hvm", seed)).toBeUndefined();
    expect(parseSmapLike("fixup", seed)).toBe("fixup");
    for (const bad of ["HVM", "compat ", "toString", "constructor", "2"]) expect(parseSmapLike(bad, merged)).toBeUndefined();
  });
});

describe("pv= (S11, K3)", () => {
  it("applies every 32 element and reports the others, or the missing CONFIG_PV32", () => {
    const options = defaultSmapOptions();
    expect(parsePv("no-32,64,32=1", options, true, EINVAL, () => undefined)).toBe(-EINVAL);
    expect(options.pv32).toBe(true);
    const disabled: ConfigDisabled[] = [];
    expect(parsePv("32=0", defaultSmapOptions(), false, EINVAL, (what) => disabled.push(what))).toBe(0);
    expect(disabled).toEqual([{ cfg: "PV32", param: "pv", element: "32=0" }]);
    expect(parsePv("", defaultSmapOptions(), true, EINVAL, () => undefined)).toBe(-EINVAL);
  });
});

describe("cet=", () => {
  const merged = profileChoices<SmapChoices>(spec, "smap", "xen-4.22");
  const old = profileChoices<SmapChoices>(spec, "smap", "xen-4.17");
  it("takes booleans for both, shstk= and ibt= for one", () => {
    const options = defaultSmapOptions();
    expect(parseCet("0,ibt", options, merged, EINVAL)).toBe(0);
    expect(options).toMatchObject({ shstk: false, ibt: true });
    expect(parseCet("shstk=maybe,no-ibt", options, merged, EINVAL)).toBe(-EINVAL);
    expect(options).toMatchObject({ shstk: false, ibt: false });
  });
  it("without `cetBoolean` (Xen 4.17) a plain boolean is invalid and changes nothing; the other elements still apply", () => {
    const options = defaultSmapOptions();
    expect(parseCet("0,no-ibt", options, old, EINVAL)).toBe(-EINVAL);
    expect(options).toMatchObject({ shstk: "default", ibt: false });
    expect(parseCet("shstk=0,ibt", options, old, EINVAL)).toBe(0);
    expect(options).toMatchObject({ shstk: false, ibt: true });
  });
});

describe("xpti= (F3) and its edges", () => {
  const parse = (value: string) => {
    const options = defaultPtshareOptions();
    const rc = parseXpti(value, options, EINVAL);
    return { rc, dom0: options.xptiDom0, domu: options.xptiDomu };
  };
  it("bare and empty turn both on; booleans set both; dom0=/domu= one", () => {
    expect(parse("")).toEqual({ rc: 0, dom0: true, domu: true });
    expect(parse("no")).toEqual({ rc: 0, dom0: false, domu: false });
    expect(parse("dom0,domu=0")).toEqual({ rc: 0, dom0: true, domu: false });
  });
  it("knows `default` only as the whole remaining value, and empty elements only at the end", () => {
    expect(parse("0,default")).toEqual({ rc: 0, dom0: undefined, domu: undefined });
    expect(parse("default,dom0=0")).toEqual({ rc: -EINVAL, dom0: false, domu: undefined });
    expect(parse("0,")).toEqual({ rc: 0, dom0: false, domu: false });
    expect(parse("1,,0").rc).toBe(-EINVAL);
    expect(parse(",1")).toEqual({ rc: -EINVAL, dom0: true, domu: true });
  });
});

describe("pcid=", () => {
  it("takes a K2 boolean over the whole value, else xpti as a parse_boolean name", () => {
    const options = defaultPtshareOptions();
    expect(parsePcid("no-xpti", options, EINVAL)).toBe(0);
    expect(options.pcid).toBe("noxpti");
    expect(parsePcid("yes", options, EINVAL)).toBe(0);
    expect(options.pcid).toBe("on");
    expect(parsePcid("", options, EINVAL)).toBe(-EINVAL);
    expect(parsePcid("xpti=maybe", options, EINVAL)).toBe(-EINVAL);
    expect(options.pcid).toBe("on");
  });
});
