/** Bit numbers by name, read from spec/data/x86/layouts.json (the one place they live). */
import type { Spec } from "../../spec";
import type { BitField, X86Layouts } from "../../spec/types/generated";

export type LayoutName = "cr0" | "cr3" | "cr4" | "efer" | "pte" | "pfec";

export interface Layout {
  /** The mask of a named field (a single bit, or bits low..high). */
  mask(name: string): bigint;
  /** The lowest bit number of a named field. */
  bit(name: string): number;
  fields: readonly BitField[];
}

const cache = new WeakMap<Spec, Map<LayoutName, Layout>>();

/** The spec asked about last, with its layouts: page-table code asks for a layout per entry, always of the same spec. */
let last: { spec: Spec; layouts: Map<LayoutName, Layout> } | undefined;

export function layout(spec: Spec, name: LayoutName): Layout {
  let layouts = last?.spec === spec ? last.layouts : cache.get(spec);
  if (layouts === undefined) {
    layouts = new Map();
    cache.set(spec, layouts);
  }
  if (last?.spec !== spec) last = { spec, layouts };
  let found = layouts.get(name);
  if (found === undefined) {
    const fields = spec.data<X86Layouts>("x86/layouts.json").layouts[name]?.fields;
    if (fields === undefined) throw new Error(`spec/data/x86/layouts.json has no layout ${name}`);
    const byName = new Map(fields.map((field) => [field.name, field]));
    const field = (fieldName: string): BitField => {
      const entry = byName.get(fieldName);
      if (entry === undefined) throw new Error(`layout ${name} has no field ${fieldName}`);
      return entry;
    };
    const masks = new Map<string, bigint>();
    found = {
      fields,
      bit: (fieldName) => field(fieldName).low,
      mask(fieldName) {
        let mask = masks.get(fieldName);
        if (mask === undefined) {
          const { low, high } = field(fieldName);
          mask = ((1n << BigInt((high ?? low) - low + 1)) - 1n) << BigInt(low);
          masks.set(fieldName, mask);
        }
        return mask;
      },
    };
    layouts.set(name, found);
  }
  return found;
}
