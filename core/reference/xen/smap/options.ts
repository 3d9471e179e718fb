/**
 * `smap=`, `smep=` (xen-pv-abi-facts S1-S4, parameterised by the profile's
 * keywords), `pv=` (S11), `cet=` and `fred` (what turns 32-bit PV off), and
 * the defaults __start_xen() resolves once the command line is parsed.
 */
import type { SmapChoices } from "../../../../spec/types/generated";
import { listElements, parseBool, parseBoolean } from "../cmdline";

export type SmapSetting = "on" | "off" | "hvm" | "compat" | "fixup";
export type SmepSetting = "on" | "off" | "hvm";

/** A boolean option Xen keeps as -1 until boot resolves it. */
export type Tristate = boolean | "default";

export interface SmapOptions {
  smap: SmapSetting | "default";
  smep: SmepSetting | "default";
  /** opt_pv32 (only meaningful with CONFIG_PV32): Xen's -1 default acts as true, so the model starts it at true. */
  pv32: boolean;
  shstk: Tristate;
  ibt: boolean;
  fred: Tristate;
}

/** The options once boot has resolved every default. */
export interface ResolvedSmapOptions {
  smap: SmapSetting;
  smep: SmepSetting;
  pv32: boolean;
  shstk: boolean;
  ibt: boolean;
  fred: boolean;
}

export const defaultSmapOptions = (): SmapOptions => ({
  smap: "default",
  smep: "default",
  pv32: true,
  shstk: "default",
  ibt: true,
  fred: "default",
});

/** parse_smap_param()/parse_smep_param(): empty is true, then a K2 boolean, then the profile's keywords (exact). */
export function parseSmapLike<T extends string>(value: string, keywords: { readonly [keyword: string]: T | undefined }): T | "on" | "off" | undefined {
  if (value === "") return "on";
  const bool = parseBool(value);
  if (bool >= 0) return bool === 1 ? "on" : "off";
  return Object.prototype.hasOwnProperty.call(keywords, value) ? keywords[value] : undefined;
}

export function parseSmap(value: string, options: SmapOptions, choices: SmapChoices, einval: number): number {
  const setting = parseSmapLike(value, choices.smapKeywords);
  if (setting === undefined) return -einval;
  options.smap = setting;
  return 0;
}

export function parseSmep(value: string, options: SmapOptions, choices: SmapChoices, einval: number): number {
  const setting = parseSmapLike(value, choices.smepKeywords);
  if (setting === undefined) return -einval;
  options.smep = setting;
  return 0;
}

/** What a list handler reports about an element a build option removed (no_config_param()). */
export interface ConfigDisabled {
  cfg: string;
  param: string;
  element: string;
}

/** parse_pv(): only `32` (as a parse_boolean element); every element is applied, invalid ones make rc -EINVAL (K3). */
export function parsePv(value: string, options: SmapOptions, pv32Built: boolean, einval: number, disabled: (what: ConfigDisabled) => void): number {
  let rc = 0;
  for (const element of listElements(value)) {
    const parsed = parseBoolean("32", element);
    if (parsed < 0) {
      rc = -einval;
      continue;
    }
    if (pv32Built) options.pv32 = parsed === 1;
    else disabled({ cfg: "PV32", param: "pv", element });
  }
  return rc;
}

/**
 * parse_cet(): a K2 boolean sets shadow stacks and IBT (where the profile's
 * Xen takes one, smap choice `cetBoolean`; otherwise it is invalid),
 * `shstk=`/`ibt=` one each (CONFIG_XEN_SHSTK and CONFIG_XEN_IBT built).
 */
export function parseCet(value: string, options: SmapOptions, choices: SmapChoices, einval: number): number {
  let rc = 0;
  for (const element of listElements(value)) {
    const both = choices.cetBoolean ? parseBool(element) : -1;
    const shstk = parseBoolean("shstk", element);
    const ibt = parseBoolean("ibt", element);
    if (both >= 0) {
      options.shstk = both === 1;
      options.ibt = both === 1;
    } else if (shstk >= 0) {
      options.shstk = shstk === 1;
    } else if (ibt >= 0) {
      options.ibt = ibt === 1;
    } else {
      rc = -einval;
    }
  }
  return rc;
}
