/**
 * The one reader of `--core`: a core reference is matched against the table
 * of core kinds (runner/core-kinds/index.ts), by the kind's name, prefix or
 * file extension, and the kind reads its options from the rest. Every command
 * and hvabi/vitest start cores through here; the usage text and the message
 * for a reference nobody recognises are written from the table.
 */
import { extname, join } from "node:path";
import type { Core } from "../core/interface";
import { packageRoot } from "../spec/paths";
import { CoreRefError, type CoreRef, type CoreStartOptions, type RegisteredCoreKind } from "./core-kinds/core-kind";
import { CORE_KINDS } from "./core-kinds";

/** The part of `text` a kind reads its options from, or undefined when the kind does not recognise it. */
function argumentFor(kind: RegisteredCoreKind, text: string): string | undefined {
  const pattern = kind.recognise;
  switch (pattern.by) {
    case "name": {
      if (text === kind.name) return "";
      const rest = text.slice(kind.name.length);
      return text.startsWith(kind.name) && /^\s/.test(rest) ? rest.trim() : undefined;
    }
    case "prefix":
      return text.startsWith(pattern.prefix) ? text.slice(pattern.prefix.length) : undefined;
    case "extension":
      return pattern.extensions.includes(extname(text)) ? text : undefined;
  }
}

/** Names are tried first, then prefixes, then extensions, so that a kind's name is never mistaken for a path. */
const RECOGNITION_ORDER: readonly RegisteredCoreKind["recognise"]["by"][] = ["name", "prefix", "extension"];

/** The usage line's forms, as a list a sentence can hold: `reference, ./core.js|… or exec:<program> [args…]`. */
function formList(kinds: readonly RegisteredCoreKind[]): string {
  const forms = kinds.map((kind) => kind.usage.form);
  return forms.length < 2 ? (forms[0] ?? "") : `${forms.slice(0, -1).join(", ")} or ${forms[forms.length - 1]}`;
}

/** Understands a `--core` reference; throws {@link CoreRefError} for one no kind recognises, or whose options its kind refuses. */
export function parseCoreRef(text: string, kinds: readonly RegisteredCoreKind[] = CORE_KINDS): CoreRef {
  for (const by of RECOGNITION_ORDER) {
    for (const kind of kinds) {
      if (kind.recognise.by !== by) continue;
      const argument = argumentFor(kind, text);
      if (argument === undefined) continue;
      try {
        return kind.read(text, argument);
      } catch (error) {
        if (error instanceof CoreRefError) throw new CoreRefError(`--core ${text}: ${error.message}`);
        throw error;
      }
    }
  }
  throw new CoreRefError(`unknown core "${text}": use ${formList(kinds)} (hvabi run --help says what each runs)`);
}

/** Starts the core a reference names; throws a CoreResolutionError (CoreRefError or CoreStartError) with a message for the user. */
export async function resolveCore(reference: string | CoreRef, options: CoreStartOptions = {}): Promise<Core> {
  const ref = typeof reference === "string" ? parseCoreRef(reference) : reference;
  return ref.start(options);
}

/** The forms of the kinds whose capabilities pass `test` (e.g. those `hvabi serve` can serve), as a sentence's list. */
export function coreFormsWhere(test: (kind: RegisteredCoreKind) => boolean, kinds: readonly RegisteredCoreKind[] = CORE_KINDS): string {
  return formList(kinds.filter(test));
}

/**
 * One usage line per kind, its form and what runs, indented for a command's
 * usage block (a form too long for the column gets a line of its own).
 */
export function coreKindsUsage(indent: string, kinds: readonly RegisteredCoreKind[] = CORE_KINDS): string {
  const column = 24;
  return kinds
    .map(({ usage }) =>
      usage.form.length < column ? `${indent}${usage.form.padEnd(column)}${usage.runs}` : `${indent}${usage.form}\n${indent}${" ".repeat(column)}${usage.runs}`,
    )
    .join("\n");
}

/**
 * A program speaking the protocol for the core: the kind's own program, or
 * `hvabi serve --core …` for a core in hvabi's process; undefined when the
 * core is neither.
 */
export function protocolCommandFor(ref: CoreRef): readonly string[] | undefined {
  if (ref.protocolCommand !== undefined) return ref.protocolCommand;
  if (ref.kind.capabilities.inProcess) return [process.execPath, join(packageRoot(), "dist", "runner", "cli.js"), "serve", "--core", ref.text];
  return undefined;
}
