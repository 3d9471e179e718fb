/**
 * How the corpus generator varies a case: it changes a few of the values a
 * case states (configuration and operation arguments) to other values that
 * the committed corpus uses at the same place, to a neighbouring integer, or
 * to a hex value one bit away. Values therefore stay among those the spec's
 * authors wrote for that operation and argument; the schema and the loader's
 * checks then judge every variant before it is kept.
 */
import type { AreaName, Case } from "../spec/types/generated";
import { isHex, toHex } from "../core/hex";

type Leaf = string | number | boolean;

/** Where a value sits, across cases: `gnttab config.domains[].maxGrantVersion`, `crpin mov_to_cr.value`. */
export type PlaceKey = string;

/** Every value the corpus uses at each place. */
export type ValuePools = ReadonlyMap<PlaceKey, readonly Leaf[]>;

/**
 * Identities, not values: changing which domain, which operation or which
 * machine a case talks to gives a case that cannot run rather than a variant.
 */
const FIXED_KEYS: ReadonlySet<string> = new Set(["dom", "domid", "granter", "target", "transDomid", "op", "hypervisor"]);

/** At most this many values change in one variant: enough to differ, few enough to stay a variant of its template. */
const MAX_CHANGES = 3;

const isLeaf = (value: unknown): value is Leaf => typeof value === "string" || typeof value === "number" || typeof value === "boolean";

interface Slot {
  place: PlaceKey;
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  value: Leaf;
}

/** Calls `visit` for every leaf under `value`, with its place; arrays collapse to `[]`. */
function walk(value: unknown, place: string, visit: (slot: Omit<Slot, "place"> & { place: string }) => void, fixed = false): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (isLeaf(item)) {
        if (!fixed) visit({ place: `${place}[]`, holder: value, key: index, value: item });
      } else walk(item, `${place}[]`, visit, fixed);
    });
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const here = `${place}.${key}`;
    const isFixed = fixed || FIXED_KEYS.has(key);
    if (isLeaf(item)) {
      if (!isFixed) visit({ place: here, holder: value as Record<string, unknown>, key, value: item });
    } else walk(item, here, visit, isFixed);
  }
}

/** The leaves of a case's configuration and step arguments, each with its place. */
function slotsOf(area: string, testCase: Pick<Case, "config" | "steps">): Slot[] {
  const slots: Slot[] = [];
  const add = (slot: Slot): void => void slots.push(slot);
  walk(testCase.config, `${area} config`, add);
  for (const step of testCase.steps) {
    if ("args" in step && step.args !== undefined) walk(step.args, `${area} ${step.op}`, add);
  }
  return slots;
}

/** Pools built from case files as written (what authors chose) plus the same places in the loaded cases (the defaults). */
export function buildPools(written: readonly { area: string; data: Case }[], loaded: readonly { area: AreaName; data: Case }[]): ValuePools {
  const pools = new Map<PlaceKey, Map<string, Leaf>>();
  const add = (place: string, value: Leaf): void => {
    let pool = pools.get(place);
    if (pool === undefined) pools.set(place, (pool = new Map()));
    pool.set(JSON.stringify(value), value);
  };
  for (const { area, data } of written) for (const slot of slotsOf(area, data)) add(slot.place, slot.value);
  // A place no author wrote a value for is not varied: its default is all the corpus knows about it.
  for (const { area, data } of loaded) for (const slot of slotsOf(area, data)) if (pools.has(slot.place)) add(slot.place, slot.value);
  return new Map([...pools].map(([place, values]) => [place, [...values.values()]]));
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/** A place in one template that can take other values, with what the corpus offers there. */
interface VariableSlot {
  /** Keys from the case's `config` and `steps` down to the value. */
  path: (string | number)[];
  value: Leaf;
  /** Other values the corpus uses at this place. */
  others: readonly Leaf[];
}

/** What can vary in one template, worked out once and reused for each of its variants. */
export interface Variables {
  slots: readonly VariableSlot[];
}

export function variablesOf(area: string, testCase: Pick<Case, "config" | "steps">, pools: ValuePools): Variables {
  const slots: VariableSlot[] = [];
  const paths = new Map<Slot["holder"], (string | number)[]>();
  // Paths are recovered by walking again with the holders' own paths recorded.
  const record = (value: unknown, path: (string | number)[]): void => {
    if (value === null || typeof value !== "object") return;
    paths.set(value as Slot["holder"], path);
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) record(item, [...path, Array.isArray(value) ? Number(key) : key]);
  };
  record(testCase, []);
  for (const slot of slotsOf(area, testCase)) {
    const pool = pools.get(slot.place);
    const holderPath = paths.get(slot.holder);
    if (pool === undefined || holderPath === undefined) continue;
    slots.push({ path: [...holderPath, slot.key], value: slot.value, others: pool.filter((value) => value !== slot.value) });
  }
  return { slots };
}

/** Another value for a slot, or undefined when there is none. */
function alternative(slot: VariableSlot, random: () => number): Leaf | undefined {
  const { value, others } = slot;
  const local: Leaf[] = [];
  if (typeof value === "number" && Number.isInteger(value)) {
    local.push(value + 1);
    if (value > 0) local.push(value - 1);
  } else if (isHex(value)) {
    const big = BigInt(value);
    // Up to one bit past the highest set bit, so a value can also grow.
    const bit = Math.floor(random() * (big.toString(2).length + 1));
    local.push(toHex(big ^ (1n << BigInt(bit))));
  } else if (typeof value === "boolean") local.push(!value);
  if (others.length > 0 && (local.length === 0 || random() < 0.5)) return pick(others, random);
  return local.length > 0 ? pick(local, random) : undefined;
}

export interface Variation {
  /** The changes, as `slot=value` in slot order: equal keys mean equal inputs. */
  key: string;
  inputs: Pick<Case, "config" | "steps">;
}

/**
 * A copy of the template's configuration and steps with one to
 * {@link MAX_CHANGES} values changed, or undefined when nothing changed.
 */
export function varyCase(testCase: Pick<Case, "config" | "steps">, variables: Variables, random: () => number): Variation | undefined {
  const { slots } = variables;
  if (slots.length === 0) return undefined;
  const chosen = new Map<number, Leaf>();
  const changes = 1 + Math.floor(random() * Math.min(MAX_CHANGES, slots.length));
  for (let i = 0; i < changes; i++) {
    const index = Math.floor(random() * slots.length);
    const value = alternative(slots[index]!, random);
    if (value !== undefined) chosen.set(index, value);
  }
  const effective = [...chosen].filter(([index, value]) => value !== slots[index]!.value).sort(([a], [b]) => a - b);
  if (effective.length === 0) return undefined;
  // Copy only the containers on the way to a changed value; the rest is shared with the template, which nothing mutates.
  const inputs: Record<string, unknown> = { config: testCase.config, steps: testCase.steps };
  const copies = new Set<unknown>([inputs]);
  for (const [index, value] of effective) {
    const path = slots[index]!.path;
    let holder = inputs as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) {
      let child = holder[key] as Record<string | number, unknown>;
      if (!copies.has(child)) {
        child = (Array.isArray(child) ? [...child] : { ...child }) as Record<string | number, unknown>;
        copies.add(child);
        holder[key] = child;
      }
      holder = child;
    }
    holder[path[path.length - 1]!] = value;
  }
  return { key: effective.map(([index, value]) => `${index}=${JSON.stringify(value)}`).join(" "), inputs: inputs as Pick<Case, "config" | "steps"> };
}
