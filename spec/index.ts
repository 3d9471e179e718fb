/**
 * Typed access to the spec data (spec/data). Everything normative that code
 * needs — profiles, clauses, observables, messages, errno numbers, per-profile
 * choices — is read from here, never written into code.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { specDataDir, specDir } from "./paths";
import type {
  AreaName,
  Clause,
  ClauseCatalogue,
  Errno,
  GrantStatus,
  Message,
  MessageCatalogue,
  Observable,
  ObservableCatalogue,
  Profile,
  ProfileCatalogue,
} from "./types/generated";

/**
 * The ABI areas, as spec/common.schema.json#/$defs/areaName lists them: the
 * one place an area is named. The AreaName type is generated from the same
 * enum, cases are validated against it, and test/spec/areas.test.ts checks
 * that everything else written per area (spec data, case folders, the
 * reference core's machines, the C core, the docs) follows it.
 */
export const AREAS: readonly AreaName[] = readJson<{ $defs: { areaName: { enum: AreaName[] } } }>(join(specDir(), "common.schema.json")).$defs.areaName.enum;

export const isAreaName = (name: string): name is AreaName => (AREAS as readonly string[]).includes(name);

export interface ObservableKey extends Observable {
  scope: string;
  /** The template as an anchored RegExp with one capture group per placeholder. */
  pattern: RegExp;
  /** The template's placeholder names, in order (e.g. ["domid", "ref"]). */
  placeholders: string[];
}

/** A state key matched against its catalogued template: `d1.grant[5].type` → `d{domid}.grant[{ref}].type`, {domid: "1", ref: "5"}. */
export interface StateKeyMatch {
  template: string;
  params: Record<string, string>;
}

export interface XenParams {
  modelled: Record<string, { area: AreaName; kind: "custom" | "bool"; requires?: string; requiresChoice?: string }>;
  recognised: string[];
}

/**
 * A clause as the spec holds it: `profiles` is every profile it holds in,
 * inheritance applied — the profiles clauses.json lists, plus each profile
 * based on one of them (`basedOn`) that covers the clause's area and that
 * `excludedProfiles` does not name.
 */
export type SpecClause = Clause & { area: AreaName };

export interface Spec {
  profiles: Map<string, Profile>;
  /** Per profile, the profiles based on it (`basedOn`), in the order of profiles.json. */
  derivedProfiles: Map<string, string[]>;
  clauses: Map<string, SpecClause>;
  clausesByArea: Map<AreaName, SpecClause[]>;
  stateKeys: ObservableKey[];
  /** Per operation, the keys it returns. */
  returnKeys: Map<string, ObservableKey[]>;
  messages: Map<string, Message>;
  errno: Record<Errno, number>;
  grantStatus: Record<GrantStatus, number>;
  xenParams: XenParams;
  /** Raw per-profile choices of an area (typed by each area's reader). */
  choices(area: AreaName): Record<string, unknown>;
  /** Any other spec data file, by path below spec/data (typed by its reader; validated by the spec tests). */
  data<T>(relativePath: string): T;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

const PLACEHOLDERS: Record<string, string> = {
  "{domid}": "[0-9]+",
  "{n}": "[0-9]+",
  "{ref}": "[0-9]+",
  "{vcpu}": "[0-9]+",
  "{frame}": "0x[0-9a-fA-F]+",
  "{addr}": "0x[0-9a-fA-F]+",
  "{msr}": "0x[0-9a-fA-F]+",
  "{name}": "[A-Za-z0-9_-]+",
};

/** Turns a key template such as `d{domid}.grant[{ref}].type` into an anchored RegExp capturing each placeholder. */
export function keyTemplatePattern(template: string): RegExp {
  let source = "";
  for (const part of template.split(/(\{[a-z]+\})/)) {
    if (part === "") continue;
    const placeholder = PLACEHOLDERS[part];
    if (placeholder !== undefined) source += `(${placeholder})`;
    else if (/^\{[a-z]+\}$/.test(part)) throw new Error(`unknown placeholder ${part} in key template ${template}`);
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

const placeholdersOf = (template: string): string[] => [...template.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]!);

const keyMatches = new WeakMap<Spec, Map<string, StateKeyMatch | undefined>>();

/** The catalogued template a state key belongs to, with its placeholder values (cached per key). */
export function matchStateKey(spec: Spec, key: string): StateKeyMatch | undefined {
  let cache = keyMatches.get(spec);
  if (cache === undefined) {
    cache = new Map();
    keyMatches.set(spec, cache);
  }
  if (cache.has(key)) return cache.get(key);
  let match: StateKeyMatch | undefined;
  for (const candidate of spec.stateKeys) {
    const found = candidate.pattern.exec(key);
    if (found === null) continue;
    const params: Record<string, string> = {};
    candidate.placeholders.forEach((name, i) => {
      params[name] = found[i + 1]!;
    });
    match = { template: candidate.key, params };
    break;
  }
  cache.set(key, match);
  return match;
}

function observableFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...observableFiles(path));
    else if (entry.name === "observables.json") found.push(path);
  }
  return found.sort();
}

/** Profiles based on each profile; throws on a `basedOn` that names no profile or one based on another (one level only). */
function derivedProfilesOf(profiles: ReadonlyMap<string, Profile>): Map<string, string[]> {
  const derived = new Map<string, string[]>();
  for (const profile of profiles.values()) {
    if (profile.basedOn === undefined) continue;
    const base = profiles.get(profile.basedOn);
    if (base === undefined) throw new Error(`spec/data/profiles.json: profile ${profile.name} is based on ${profile.basedOn}, which is not a profile`);
    if (base.basedOn !== undefined) throw new Error(`spec/data/profiles.json: profile ${profile.name} is based on ${base.name}, which is itself based on ${base.basedOn} (one level only)`);
    derived.set(base.name, [...(derived.get(base.name) ?? []), profile.name]);
  }
  return derived;
}

/** Where a clause holds: the profiles it lists, then those based on them that cover its area and that it does not exclude. */
function holdingProfiles(clause: Clause, area: AreaName, profiles: ReadonlyMap<string, Profile>, derived: ReadonlyMap<string, string[]>): Clause["profiles"] {
  const holding: string[] = [...clause.profiles];
  for (const base of clause.profiles) {
    for (const name of derived.get(base) ?? []) {
      if (holding.includes(name) || clause.excludedProfiles?.[name] !== undefined) continue;
      if (profiles.get(name)?.areas.includes(area)) holding.push(name);
    }
  }
  return holding as Clause["profiles"];
}

function load(dataDir: string): Spec {
  const profiles = new Map<string, Profile>();
  for (const profile of readJson<ProfileCatalogue>(join(dataDir, "profiles.json")).profiles) {
    profiles.set(profile.name, profile);
  }
  const derivedProfiles = derivedProfilesOf(profiles);

  const clauses = new Map<string, SpecClause>();
  const clausesByArea = new Map<AreaName, SpecClause[]>();
  const choiceCache = new Map<AreaName, Record<string, unknown>>();
  const dataCache = new Map<string, unknown>();
  for (const area of AREAS) {
    const file = join(dataDir, "areas", area, "clauses.json");
    if (!existsSync(file)) continue;
    const catalogue = readJson<ClauseCatalogue>(file);
    const list = catalogue.clauses.map((clause) => ({ ...clause, profiles: holdingProfiles(clause, area, profiles, derivedProfiles), area }));
    clausesByArea.set(area, list);
    for (const clause of list) clauses.set(clause.id, clause);
  }

  const stateKeys: ObservableKey[] = [];
  const returnKeys = new Map<string, ObservableKey[]>();
  for (const file of observableFiles(dataDir)) {
    const catalogue = readJson<ObservableCatalogue>(file);
    const scope = String(catalogue.scope);
    for (const item of catalogue.state) {
      stateKeys.push({ ...item, scope, pattern: keyTemplatePattern(item.key), placeholders: placeholdersOf(item.key) });
    }
    for (const [op, items] of Object.entries(catalogue.returns)) {
      const list = returnKeys.get(op) ?? [];
      for (const item of items ?? []) list.push({ ...item, scope, pattern: keyTemplatePattern(item.key), placeholders: placeholdersOf(item.key) });
      returnKeys.set(op, list);
    }
  }

  const messages = new Map<string, Message>();
  for (const message of readJson<MessageCatalogue>(join(dataDir, "messages.json")).messages) {
    messages.set(message.id, message);
  }

  return {
    profiles,
    derivedProfiles,
    clauses,
    clausesByArea,
    stateKeys,
    returnKeys,
    messages,
    errno: readJson<{ errno: Record<Errno, number> }>(join(dataDir, "errno.json")).errno,
    grantStatus: readJson<{ status: Record<GrantStatus, number> }>(join(dataDir, "grant-status.json")).status,
    xenParams: readJson<XenParams>(join(dataDir, "xen-params.json")),
    data<T>(relativePath: string): T {
      let cached = dataCache.get(relativePath);
      if (cached === undefined) {
        cached = readJson<unknown>(join(dataDir, relativePath));
        dataCache.set(relativePath, cached);
      }
      return cached as T;
    },
    choices(area) {
      let cached = choiceCache.get(area);
      if (cached === undefined) {
        const file = join(dataDir, "areas", area, "choices.json");
        cached = existsSync(file) ? readJson<{ profiles: Record<string, unknown> }>(file).profiles : {};
        choiceCache.set(area, cached);
      }
      return cached;
    },
  };
}

const loaded = new Map<string, Spec>();

/** The spec, loaded once per data directory. */
export function loadSpec(dataDir: string = specDataDir()): Spec {
  let spec = loaded.get(dataDir);
  if (spec === undefined) {
    spec = load(dataDir);
    loaded.set(dataDir, spec);
  }
  return spec;
}

/** The choices a profile makes for an area; throws when the profile does not cover it. */
export function profileChoices<T>(spec: Spec, area: AreaName, profile: string): T {
  const choices = spec.choices(area)[profile];
  if (choices === undefined) throw new Error(`profile ${profile} makes no choices for area ${area}`);
  return choices as T;
}
