/**
 * The Xen platform of the case model: build, boot (command-line parsing),
 * console, and domains. Areas plug their parameters, per-domain state and
 * operations in through {@link XenArea}.
 */
import type { AreaName, Config, DomainConfig, Errno, LogEntry, Values } from "../../../spec/types/generated";
import { matchStateKey, profileChoices, type Spec, type XenParams } from "../../../spec";
import type { StepInput } from "../../interface";
import { parseHex } from "../../hex";
import type { Observation, StateRead } from "../observe";
import { customHandlerArgument, parseBool, printedCustomKey, printedValue, splitOptions, type ParsedOption } from "./cmdline";
import { XenDomain } from "./domain";
import { CaseModelError } from "../model-error";

type ArgsOf<S> = S extends { args: infer A } ? A : undefined;

/** Operation handlers, typed by the operation's arguments. */
export type XenOperations = {
  [S in StepInput as S["op"]]?: (machine: XenMachine, args: ArgsOf<S>) => Observation;
};

/** A custom parameter handler returns 0 or a negative errno, as Xen's do. */
export type CustomParamHandler = (machine: XenMachine, value: string) => number;

/** Stores the value of a boolean (`boolean_param`) parameter, after parse_params() has worked it out. */
export type BoolParamSetter = (machine: XenMachine, value: boolean) => void;

/**
 * The Xen machinery every area builds on, plugged in as areas are but with no
 * cases of its own: the platform (boot, domains, guest memory) and the x86
 * platform under the smap, pte, cr4 and ptshare areas.
 */
export type XenMachineryName = "xen-platform" | "xen-x86";

/** How an area (or the machinery under the areas) plugs into the Xen machine. */
export interface XenArea {
  readonly name: AreaName | XenMachineryName;
  /** Custom (`custom_param`) handlers by parameter name; spec/data/xen-params.json declares them. */
  readonly customParams: Record<string, CustomParamHandler>;
  /** Boolean (`boolean_param`) parameters by name; spec/data/xen-params.json declares them. */
  readonly boolParams?: Record<string, BoolParamSetter>;
  /** Sets this area's option defaults; runs before the command line is parsed. */
  initOptions(machine: XenMachine): void;
  /** Resolves defaults that depend on the hardware or on other options (and prints what Xen prints then); runs once the command line is parsed. */
  completeOptions?(machine: XenMachine): void;
  /** Checks this area's part of a domain configuration; returns an errno to refuse the creation. */
  validateDomain?(machine: XenMachine, config: DomainConfig): Errno | undefined;
  /** Attaches this area's per-domain state to a domain that passed every validation. */
  initDomain?(machine: XenMachine, domain: XenDomain, config: DomainConfig): void;
  readonly operations: XenOperations;
  /**
   * Readers of this area's state keys, by the key's template in the observables catalogue
   * (e.g. `d{domid}.grant[{ref}].type`); they get the placeholder values as strings.
   */
  readonly stateReaders?: Record<string, StateReader>;
  /** Reads a state key by hand, for areas that parse keys themselves; undefined when not this area's. */
  readState?(machine: XenMachine, key: string): StateRead;
}

/** Reads one catalogued state key. */
export type StateReader = (machine: XenMachine, params: Record<string, string>) => Values[string];

interface XenModelData {
  pageSize: number;
  domainMemory: { frameStride: string; framesPerDomain: number };
  domidSelf: number;
  domidFirstReserved: number;
  domidAny: number;
}

export class XenMachine {
  readonly console: LogEntry[] = [];
  readonly domains = new Map<number, XenDomain>();
  booted = false;
  private readonly model: XenModelData;
  private readonly params: XenParams;
  /** Per-area parsed options, keyed by area name; each area owns its entry's shape. */
  readonly options = new Map<string, unknown>();

  constructor(
    readonly spec: Spec,
    readonly profile: string,
    readonly config: Required<Config>,
    readonly areas: readonly XenArea[],
  ) {
    this.model = spec.data<XenModelData>("xen/model.json");
    this.params = spec.xenParams;
  }

  get xen(): Required<Config>["xen"] & object {
    return this.config.xen as Required<Config>["xen"] & object;
  }

  get debugBuild(): boolean {
    return this.xen.build === "debug";
  }

  kconfig(option: string): boolean {
    const kconfig = (this.xen.kconfig ?? {}) as Record<string, boolean | undefined>;
    return kconfig[option] === true;
  }

  /** CONFIG_PV: an x86-only option. */
  get pvBuilt(): boolean {
    return this.xen.arch === "x86_64" && this.kconfig("PV");
  }

  get hvmBuilt(): boolean {
    return this.xen.arch === "arm64" || this.kconfig("HVM");
  }

  /** Bytes in a frame (spec/data/xen/model.json). */
  get pageSize(): number {
    return this.model.pageSize;
  }

  get domidSelf(): number {
    return this.model.domidSelf;
  }

  print(entry: LogEntry): void {
    this.console.push(entry);
  }

  /** Boots: area defaults, then CONFIG_CMDLINE, then the bootloader line unless CONFIG_CMDLINE_OVERRIDE (K1). */
  boot(): Observation {
    for (const area of this.areas) area.initOptions(this);
    // Both command lines arrive filled in (the schema's default is "").
    this.parseCmdline(this.xen.builtinCmdline!);
    if (!this.xen.cmdlineOverride) this.parseCmdline(this.xen.cmdline!);
    for (const area of this.areas) area.completeOptions?.(this);
    this.booted = true;
    return { result: "ok" };
  }

  private parseCmdline(cmdline: string): void {
    for (const option of splitOptions(cmdline)) this.applyOption(option);
  }

  private applyOption(option: ParsedOption): void {
    const declared = this.params.modelled[option.name];
    const available =
      declared !== undefined &&
      (declared.requires === undefined || this.kconfig(declared.requires)) &&
      (declared.requiresChoice === undefined || this.profileHasChoice(declared.area, declared.requiresChoice));
    if (!available) {
      if (!this.params.recognised.includes(option.name)) this.print({ msg: "param-unknown", param: option.key });
      return;
    }
    let rc: number;
    let printedKey = option.key;
    if (declared.kind === "custom") {
      const handler = this.customHandler(option.name);
      const argument = customHandlerArgument(option);
      rc = argument === undefined ? -this.spec.errno.EINVAL : handler(this, argument);
      printedKey = printedCustomKey(option);
    } else {
      // OPT_BOOL: parse_bool's -1 is passed through as rc=-1; otherwise `no-` and a false value each invert.
      const parsed = option.value === "" ? 1 : parseBool(option.value);
      rc = Math.min(parsed, 0);
      if (parsed >= 0) this.boolSetter(option.name)(this, !option.negated !== (parsed === 0));
    }
    if (rc !== 0) this.print({ msg: "param-invalid", param: printedKey, value: printedValue(option), rc });
  }

  /** Whether the profile turns on a boolean choice of an area (a parameter its Xen has only then, `requiresChoice`). */
  private profileHasChoice(area: AreaName, choice: string): boolean {
    const value = profileChoices<Record<string, unknown>>(this.spec, area, this.profile)[choice];
    if (typeof value !== "boolean") throw new Error(`spec/data/xen-params.json: ${area} choice ${choice} of profile ${this.profile} is not a boolean`);
    return value;
  }

  private customHandler(name: string): CustomParamHandler {
    for (const area of this.areas) {
      const handler = area.customParams[name];
      if (handler !== undefined) return handler;
    }
    throw new Error(`parameter ${name} is declared in spec/data/xen-params.json but no area implements it`);
  }

  private boolSetter(name: string): BoolParamSetter {
    for (const area of this.areas) {
      const setter = area.boolParams?.[name];
      if (setter !== undefined) return setter;
    }
    throw new Error(`parameter ${name} is declared in spec/data/xen-params.json but no area implements it`);
  }

  /** The first frame a new domain owns; it owns framesPerDomain from there (spec/data/xen/model.json). */
  private firstFrame(domid: number): bigint {
    return BigInt(domid) * parseHex(this.model.domainMemory.frameStride);
  }

  /** XEN_DOMCTL_createdomain as the toolstack issues it; areas validate their parts. The schema's defaults are filled in. */
  createDomain(config: DomainConfig): { domid: number } | { errno: Errno } {
    const domid = this.allocateDomid(config.domid!);
    if (domid === undefined) return { errno: "EEXIST" };
    const hvm = config.type === "hvm";
    if (hvm ? !this.hvmBuilt : !this.pvBuilt) return { errno: "EINVAL" };
    for (const area of this.areas) {
      const refused = area.validateDomain?.(this, config);
      if (refused !== undefined) return { errno: refused };
    }
    // A 32-bit PV guest is switched to compat mode after creation; the smap area refuses it when that fails (S11).
    const domain = new XenDomain({
      domid,
      type: config.type!,
      privileged: config.privileged!,
      ioResources: config.ioResources!,
      vcpus: config.vcpus!,
    });
    for (const area of this.areas) area.initDomain?.(this, domain, config);
    domain.allocate(this.firstFrame(domid), this.model.domainMemory.framesPerDomain);
    this.domains.set(domid, domain);
    return { domid };
  }

  /**
   * domid_alloc(): the requested id when it is free and below DOMID_FIRST_RESERVED; for DOMID_ANY the
   * next free id after the one it last took, wrapping to 1 (0 is left to the boot domain). The model
   * never destroys a domain, so every id up to the one DOMID_ANY last took is in use, and the next free
   * id after it is simply the lowest free id.
   */
  private allocateDomid(requested: number): number | undefined {
    const { domidAny, domidFirstReserved } = this.model;
    if (requested !== domidAny) return requested < domidFirstReserved && !this.domains.has(requested) ? requested : undefined;
    for (let domid = 1; domid < domidFirstReserved; domid++) if (!this.domains.has(domid)) return domid;
    return undefined;
  }

  /** The domain named by a hypercall argument (DOMID_SELF resolves to the caller). */
  lookup(domid: number | "self", caller: XenDomain): XenDomain | undefined {
    if (domid === "self" || domid === this.domidSelf) return caller;
    return this.domains.get(domid);
  }

  /** The domain making a call; `dom` always arrives filled in (the loader applies the schema's default). */
  caller(domid: number | undefined): XenDomain {
    const domain = this.domains.get(domid!);
    if (domain === undefined) throw new CaseModelError(`the calling domain d${String(domid)} does not exist`);
    return domain;
  }

  readState(key: string): Values[string] {
    const match = matchStateKey(this.spec, key);
    if (match !== undefined) {
      for (const area of this.areas) {
        const reader = area.stateReaders?.[match.template];
        if (reader !== undefined) return reader(this, match.params);
      }
    }
    for (const area of this.areas) {
      const read = area.readState?.(this, key);
      if (read !== undefined) return read.value;
    }
    return undefined;
  }
}
