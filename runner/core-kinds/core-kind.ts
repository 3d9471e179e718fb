/**
 * A kind of core: how a `--core` reference names it, what the commands may do
 * with it, and how to start one. Every kind is one entry of the table in
 * runner/core-kinds/index.ts; runner/resolve-core.ts reads a reference against
 * the table, so commands never ask which kind a core is, only what it can do.
 */
import type { Core } from "../../core/interface";
import type { ProtocolLimits } from "../../core/protocol/settings";

/** How a `--core` reference is recognised as a kind's, and what part of it the kind reads as its options. */
export type CoreRefPattern =
  /** The kind's name, alone or followed by its options after white space: `reference`, `xen-qemu --build debug`. */
  | { readonly by: "name" }
  /** A prefix, followed by the options: `exec:<program> [args…]`. */
  | { readonly by: "prefix"; readonly prefix: string }
  /** A file path ending in one of these extensions; the options are the path. */
  | { readonly by: "extension"; readonly extensions: readonly string[] };

/** What the commands may do with a core of a kind. */
export interface CoreKindCapabilities {
  /**
   * The core runs inside hvabi's process, so `hvabi serve` can serve it over
   * the protocol (and check-core checks it that way).
   */
  readonly inProcess: boolean;
  /**
   * Whether `hvabi run` starts a copy of the core in each worker thread: by
   * default, only when --workers asks (a core that may not expect to run twice
   * at once), or never (a core outside hvabi's process brings its own parallelism).
   */
  readonly workerThreads: "by-default" | "when-asked" | "never";
}

export interface CoreStartOptions {
  /** Overrides of the protocol's time limits and restart budget (cores that run a subprocess). */
  limits?: Partial<ProtocolLimits>;
  /** The folder relative paths are resolved against (default: the working directory). */
  cwd?: string;
}

/** What a kind's `start` gets besides its options. */
export interface CoreStartContext extends CoreStartOptions {
  /** The reference as the user wrote it, for messages. */
  reference: string;
}

/** One kind of core. `Options` is what the kind reads from a reference: nothing, a path, a command… */
export interface CoreKind<Options> {
  /** The kind's name; for a kind recognised by name, also how a reference starts. */
  readonly name: string;
  readonly recognise: CoreRefPattern;
  /** The usage line: the reference's form (`exec:<program> [args…]`) and what runs. */
  readonly usage: { readonly form: string; readonly runs: string };
  readonly capabilities: CoreKindCapabilities;
  /**
   * Reads the options from what follows the name or prefix ("" when nothing
   * does), or from the whole path for a kind recognised by extension. Throws
   * {@link CoreRefError} with a message for the user when they make no sense.
   */
  parseOptions(argument: string): Options;
  /** The command of a program speaking the protocol (docs/protocol.md), when the core is one: check-core talks to it directly. */
  protocolCommand?(options: Options): readonly string[];
  /** Starts a core; throws {@link CoreStartError} with a message for the user when it cannot be started. */
  start(options: Options, context: CoreStartContext): Promise<Core>;
}

/** A core reference, understood: its kind and the kind's options, ready to start. */
export interface CoreRef {
  /** The reference as written (the `--core` value). */
  readonly text: string;
  readonly kind: RegisteredCoreKind;
  /** The program speaking the protocol that this core is, when its kind runs one. */
  readonly protocolCommand: readonly string[] | undefined;
  start(options?: CoreStartOptions): Promise<Core>;
}

/** A kind as the table holds it, its options' type kept inside. */
export interface RegisteredCoreKind {
  readonly name: string;
  readonly recognise: CoreRefPattern;
  readonly usage: CoreKind<unknown>["usage"];
  readonly capabilities: CoreKindCapabilities;
  /** Understands a reference this kind recognised; `argument` is the part it reads its options from. */
  read(text: string, argument: string): CoreRef;
}

/** Wraps a kind for the table: a reference it reads carries its options to `start`. */
export function registerCoreKind<Options>(kind: CoreKind<Options>): RegisteredCoreKind {
  const registered: RegisteredCoreKind = {
    name: kind.name,
    recognise: kind.recognise,
    usage: kind.usage,
    capabilities: kind.capabilities,
    read(text, argument) {
      const options = kind.parseOptions(argument);
      return {
        text,
        kind: registered,
        protocolCommand: kind.protocolCommand?.(options),
        start: (startOptions = {}) => kind.start(options, { ...startOptions, reference: text }),
      };
    },
  };
  return registered;
}

/** A core that could not be resolved: the reference, or the core it names. */
export class CoreResolutionError extends Error {}

/** A `--core` reference no kind recognises, or whose options its kind refuses. */
export class CoreRefError extends CoreResolutionError {}

/** A core that was named well but could not be started (no such module, a failed handshake). */
export class CoreStartError extends CoreResolutionError {}
