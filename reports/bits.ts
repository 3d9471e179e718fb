/**
 * Values of a known bit layout in an observation, and the bits where two of
 * them differ, by field name. Which value has which layout is spec data: an
 * observable's `layout` (spec/data/**\/observables.json: `d{domid}.entry[…]`
 * is a PTE, read_cr's `value` is CR0 or CR4 by its `cr` argument) and a
 * layout's `errorCodeOf` (a #PF's error code). The bits are those of
 * spec/data/x86/layouts.json. Nothing here knows a register by name.
 */
import { matchStateKey, type ObservableKey, type Spec } from "../spec";
import type { BitLayout, X86Layouts } from "../spec/types/generated";

/** The spec data bit decoding reads. */
export interface BitSpec {
  layouts: Readonly<Record<string, BitLayout | undefined>>;
  /** The layout of a state key, by its catalogued template (undefined: none). */
  stateLayout(key: string): string | undefined;
  /** The observables each operation returns. */
  returnKeys: ReadonlyMap<string, readonly ObservableKey[]>;
}

export function bitSpecFrom(spec: Spec): BitSpec {
  return {
    layouts: spec.data<X86Layouts>("x86/layouts.json").layouts,
    stateLayout(key) {
      const match = matchStateKey(spec, key);
      if (match === undefined) return undefined;
      const layout = spec.stateKeys.find((candidate) => candidate.key === match.template)?.layout;
      return typeof layout === "string" ? layout : undefined;
    },
    returnKeys: spec.returnKeys,
  };
}

/** A step as far as its layouts depend on it. */
export interface StepSubject {
  op: string;
  args?: Record<string, unknown>;
}

/** How one field of an observation (`state.<key>`, `returns.<key>`, `fault`) is drawn. */
export interface FieldLayout {
  /** The layout's name in spec/data/x86/layouts.json. */
  name: string;
  layout: BitLayout;
  /** The field holds a fault: only a fault with this vector carries an error code of the layout. */
  faultVector?: string;
}

function returnsLayout(spec: BitSpec, key: string, step: StepSubject): string | undefined {
  const observable = spec.returnKeys.get(step.op)?.find((candidate) => candidate.pattern.test(key));
  const layout = observable?.layout;
  if (layout === undefined || typeof layout === "string") return layout;
  const argument = step.args?.[layout.byArg];
  return argument === undefined ? undefined : layout.layouts[JSON.stringify(argument)] ?? layout.layouts[String(argument)];
}

/**
 * The layout of a field, or undefined when it has none. A fault field gets
 * the layout whose `errorCodeOf` is the vector of one of `values` (the
 * expected and observed faults), so a #PF on either side is drawn.
 */
export function fieldLayout(spec: BitSpec, field: string, step: StepSubject, values: readonly unknown[] = []): FieldLayout | undefined {
  let name: string | undefined;
  let faultVector: string | undefined;
  if (field.startsWith("state.")) name = spec.stateLayout(field.slice("state.".length));
  else if (field.startsWith("returns.")) name = returnsLayout(spec, field.slice("returns.".length), step);
  else if (field === "fault") {
    for (const value of values) {
      const vector = isRecord(value) ? value.vector : undefined;
      const found = Object.entries(spec.layouts).find(([, layout]) => layout?.errorCodeOf !== undefined && layout.errorCodeOf === vector);
      if (found !== undefined) {
        [name, faultVector] = [found[0], String(vector)];
        break;
      }
    }
  }
  const layout = name === undefined ? undefined : spec.layouts[name];
  if (name === undefined || layout === undefined) return undefined;
  return { name, layout, ...(faultVector === undefined ? {} : { faultVector }) };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const HEX = /^0x[0-9a-f]+$/i;

/** The number a field's value holds for its layout: a hex string, or a fault's error code; undefined when it holds none (another vector, null, no error code). */
export function layoutValue(field: FieldLayout, value: unknown): bigint | undefined {
  let text = value;
  if (field.faultVector !== undefined) {
    if (!isRecord(value) || value.vector !== field.faultVector) return undefined;
    text = value.errorCode;
  }
  if (typeof text !== "string" || !HEX.test(text)) return undefined;
  const number = BigInt(text);
  return number < 1n << BigInt(field.layout.width) ? number : undefined;
}

/** A field of a layout, or a run of reserved bits. */
export interface BitGroup {
  high: number;
  low: number;
  /** Undefined for bits no field names. */
  name?: string;
  description?: string;
}

/** The layout as consecutive groups, high bits first: each field, and each run of bits no field names. */
export function layoutGroups(layout: BitLayout): BitGroup[] {
  const groups: BitGroup[] = [];
  for (let bit = layout.width - 1; bit >= 0; bit--) {
    const field = layout.fields.find((f) => bit >= f.low && bit <= (f.high ?? f.low));
    const last = groups.at(-1);
    if (last !== undefined && last.name === field?.name) {
      last.low = bit;
      continue;
    }
    groups.push({ high: bit, low: bit, ...(field ? { name: field.name, description: field.description } : {}) });
  }
  return groups;
}

/** One field (or reserved bit) where two values differ, with each value's content of it. */
export interface BitDifference {
  name?: string;
  description?: string;
  high: number;
  low: number;
  a: bigint;
  b: bigint;
}

const bitsOf = (value: bigint, high: number, low: number): bigint => (value >> BigInt(low)) & ((1n << BigInt(high - low + 1)) - 1n);

/** Where `a` and `b` differ, field by field, high bits first; a reserved bit counts alone. */
export function bitDifferences(layout: BitLayout, a: bigint, b: bigint): BitDifference[] {
  const differences: BitDifference[] = [];
  for (const group of layoutGroups(layout)) {
    if (group.name !== undefined) {
      const [x, y] = [bitsOf(a, group.high, group.low), bitsOf(b, group.high, group.low)];
      if (x !== y) differences.push({ ...group, a: x, b: y });
      continue;
    }
    for (let bit = group.high; bit >= group.low; bit--) {
      const [x, y] = [bitsOf(a, bit, bit), bitsOf(b, bit, bit)];
      if (x !== y) differences.push({ high: bit, low: bit, a: x, b: y });
    }
  }
  return differences;
}

/** Whose value it is, for the sentence: a core observed it, or the case expected it. */
export interface ValueOwner {
  label: string;
  kind: "core" | "expected";
}

export const EXPECTED_OWNER: ValueOwner = { label: "the expected value", kind: "expected" };

const setBy = (owner: ValueOwner): string => (owner.kind === "core" ? `by ${owner.label}` : `in ${owner.label}`);

/** Where a field sits: `A (bit 5)`, `FRAME (bits 51–12)`, `bit 13 (reserved)`. */
export function bitPlace(difference: Pick<BitDifference, "name" | "high" | "low">): string {
  const bits = difference.high === difference.low ? `bit ${difference.low}` : `bits ${difference.high}–${difference.low}`;
  return difference.name === undefined ? `${bits} (reserved)` : `${difference.name} (${bits})`;
}

/**
 * One difference in words: `A (bit 5): set by xen-qemu, clear in
 * hvabi-reference`; a field of several bits gives both contents,
 * `FRAME (bits 51–12): 0x10015 (xen-qemu) versus 0x10014 (hvabi-reference)`.
 */
export function describeBitDifference(difference: BitDifference, a: ValueOwner, b: ValueOwner): string {
  const place = bitPlace(difference);
  if (difference.high === difference.low) {
    const [set, clear] = difference.a === 1n ? [a, b] : [b, a];
    return `${place}: set ${setBy(set)}, clear in ${clear.label}`;
  }
  return `${place}: 0x${difference.a.toString(16)} (${a.label}) versus 0x${difference.b.toString(16)} (${b.label})`;
}

/** A value as the layout's width in hex: `0x0000000010014027`. */
export const hexOf = (value: bigint, width: number): string => `0x${value.toString(16).padStart(width / 4, "0")}`;

/** No layouts: values are compared, never decoded bit by bit. */
export const NO_BIT_LAYOUTS: BitSpec = { layouts: {}, stateLayout: () => undefined, returnKeys: new Map() };
