/**
 * Hosts: a Xen image (a build with its configuration) on QEMU's emulated CPU, as a case's
 * `config.xen` and `config.cpu` describe the machine it needs.
 *
 * What the host is comes from Xen itself, at a probe boot: the CPU vendor Xen reports, the raw
 * featureset (XEN_SYSCTL_get_cpu_featureset), the physical address width, whether Xen turned
 * XPTI and the PV L1TF shadow on by default (its verdict on Meltdown and L1TF), and whether it
 * runs virtualised (the hypervisor CPUID bit). The build and Kconfig come from the image's
 * .config. A case runs on a host that matches its configuration, after turning off in QEMU the
 * CPU features the case wants off; where a difference remains (an Intel CPU asked, an AMD one
 * offered; a release build asked, a debug build offered), the case runs only when the reference
 * model gives the same observations for both configurations — the model decides where a case
 * may run, never what it should observe. Otherwise it is skipped, naming what is missing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Spec } from "../../spec";
import { packageRoot } from "../../spec/paths";
import type { Config, CpuConfig, XenConfig } from "../../spec/types/generated";
import type { CaseExecutor, CaseInput, CaseOutcome } from "../interface";
import type { HostNeeds } from "./translate/plan";

export type Build = "debug" | "release";
type Kconfig = NonNullable<XenConfig["kconfig"]>;
type Features = NonNullable<CpuConfig["features"]>;

export interface CpuModel {
  /** How reports name the host's CPU. */
  name: string;
  /** QEMU's -cpu model. */
  qemu: string;
  description: string;
}

export interface HostsData {
  machine: { memoryMiB: number; xenCommandLine: string };
  /** The CPU models hosts are made of, in the order hosts are tried. */
  cpuModels: CpuModel[];
  featuresetWords: Record<string, number>;
  hypervisorBit: { word: number; bit: number };
  qemuFeatureNames: Record<string, string>;
  emulationDeviations: { list: EmulationDeviation[] };
  xenLayout: { directmapL4Slot: number };
  timing: {
    bootMs: number;
    perCaseMs: number;
    maxRestartsPerGroup: number;
    icount: { shift: number; maxCases: Record<Build, number> };
  };
}

/** A behaviour QEMU's emulation decides, differently from the processors the spec describes (emulation.ts). */
export interface EmulationDeviation {
  id: string;
  when: {
    guest: "hvm" | "pv64" | "pv32";
    op?: string[];
    /** Arguments the step has, each equal. */
    args?: Record<string, string | number | boolean>;
    /** The vector the reference model predicts for the step. */
    fault: string;
    /** Bits the predicted error code has, all of them. */
    errorCodeAllOf?: string;
  };
  reason: string;
}

let hostsData: HostsData | undefined;
export function hosts(): HostsData {
  hostsData ??= JSON.parse(readFileSync(join(packageRoot(), "core", "xen-qemu", "hosts.json"), "utf8")) as HostsData;
  return hostsData;
}

/** A Xen image to boot and what its build configuration says. */
export interface XenImage {
  /** A short name for reports: "release", "debug", or the user's. */
  label: string;
  path: string;
  build: Build;
  kconfig: Required<Kconfig>;
}

/** What Xen reported of the machine at the probe boot. */
export interface HostFacts {
  xenVersion: string;
  capabilities: string[];
  vendor: "intel" | "amd" | "hygon";
  paddrBits: number;
  /** Raw featureset words (XEN_SYSCTL_cpu_featureset_raw). */
  featureset: number[];
  features: Required<Features>;
  meltdown: boolean;
  l1tf: boolean;
  virtualised: boolean;
}

export interface Host {
  image: XenImage;
  cpu: CpuModel;
  facts: HostFacts;
}

/** A host as a case runs on it: the QEMU CPU (features turned off as asked) and the config it amounts to. */
export interface HostChoice {
  host: Host;
  qemuCpu: string;
  /** The configuration the case really runs in. */
  config: Config;
  /** The differences from the case's own configuration, which the model showed do not matter. */
  substituted: string[];
}

/** Parses a Kconfig .config: the options a case's xen.kconfig names. */
export function kconfigOf(text: string): Required<Kconfig> {
  const on = (name: string): boolean => new RegExp(`^CONFIG_${name}=y$`, "m").test(text);
  return {
    PV: on("PV"),
    PV32: on("PV32"),
    PV_SHIM: on("PV_SHIM"),
    HVM: on("HVM"),
    GRANT_TABLE: on("GRANT_TABLE"),
    SHADOW_PAGING: on("SHADOW_PAGING"),
    // Seed 002's option: unknown to merged Xen, so never set.
    PV_PTE_DEBUG: on("PV_PTE_DEBUG"),
  };
}

export const buildOf = (text: string): Build => (/^CONFIG_DEBUG=y$/m.test(text) ? "debug" : "release");

interface CpuidPosition {
  name: string;
  leaf: number;
  subleaf: number;
  register: string;
  bit: number;
}

const CONFIG_FEATURES = [
  "de", "tsc", "pse", "pae", "mce", "pge", "xsave", "nx", "lm", "page1gb", "pcid", "invpcid", "fsgsbase", "smep", "smap",
  "umip", "pku", "vmx", "svm", "la57", "pks", "cet_ss", "cet_ibt", "cet_sss", "fred", "lass", "lam",
] as const satisfies readonly (keyof Features)[];

/** The case-config features a raw featureset has (positions from spec/data/x86/cpuid.json). */
export function featuresOf(spec: Spec, featureset: readonly number[]): Required<Features> {
  const positions = spec.data<{ features: CpuidPosition[] }>("x86/cpuid.json").features;
  const words = hosts().featuresetWords;
  const result = {} as Record<string, boolean>;
  for (const name of CONFIG_FEATURES) {
    const position = positions.find((p) => p.name === name);
    if (position === undefined) throw new Error(`spec/data/x86/cpuid.json has no feature ${name}`);
    const word = words[`${position.leaf}:${position.subleaf}:${position.register}`];
    result[name] = word !== undefined && (((featureset[word] ?? 0) >>> position.bit) & 1) === 1;
  }
  return result as Required<Features>;
}

const VENDORS: Record<string, HostFacts["vendor"]> = { AMD: "amd", Intel: "intel", Hygon: "hygon" };

/** Reads the host from a probe boot's console (boot log, H and B lines). */
export function hostFacts(spec: Spec, bootLog: readonly string[], probes: ReadonlyMap<string, string>, header: { version: string; capabilities: string[] }): HostFacts {
  const vendorLine = bootLog.map((line) => /^CPU Vendor: (\w+)/.exec(line)).find((m) => m !== null);
  const vendor = vendorLine ? VENDORS[vendorLine[1] ?? ""] : undefined;
  if (vendor === undefined) throw new Error("Xen's boot log names no CPU vendor this core knows");
  const featureset = (probes.get("featureset.raw") ?? "").split(",").filter((w) => w !== "").map((w) => Number.parseInt(w, 16));
  if (featureset.length === 0) throw new Error("dom0 reported no raw featureset");
  const xpti = bootLog.map((line) => /XPTI \(64-bit PV only\): Dom0 (\w+), DomU (\w+)/.exec(line)).find((m) => m !== null);
  const l1tf = bootLog.map((line) => /PV L1TF shadowing: Dom0 (\w+), DomU (\w+)/.exec(line)).find((m) => m !== null);
  if (!xpti || !l1tf) throw new Error("Xen's boot log does not say whether XPTI and the L1TF shadow are on");
  const { word, bit } = hosts().hypervisorBit;
  return {
    xenVersion: header.version,
    capabilities: header.capabilities,
    vendor,
    paddrBits: Number(probes.get("cpu.paddrBits")),
    featureset,
    features: featuresOf(spec, featureset),
    // With no xpti= or pv-l1tf= option, Xen turns each on for domUs exactly when it judges the CPU vulnerable.
    meltdown: xpti[2] === "enabled",
    l1tf: l1tf[2] === "enabled",
    virtualised: (((featureset[word] ?? 0) >>> bit) & 1) === 1,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The configuration a case gets on this host, and the QEMU CPU that gives it: features the case
 * turns off are turned off where QEMU can; everything else is the host's.
 */
export function realise(config: Config, host: Host): { config: Config; qemuCpu: string } {
  const { qemuFeatureNames } = hosts();
  const asked = config.cpu?.features ?? {};
  const features = { ...host.facts.features };
  const flags = [host.cpu.qemu, `phys-bits=${config.cpu?.maxPhysAddr ?? host.facts.paddrBits}`];
  for (const name of CONFIG_FEATURES) {
    const qemuName = qemuFeatureNames[name];
    if (asked[name] === false && features[name] && qemuName !== undefined) {
      flags.push(`-${qemuName}`);
      features[name] = false;
    }
  }
  const xen = config.xen ?? {};
  const realised: Config = {
    ...config,
    xen: { ...xen, build: host.image.build, kconfig: { ...host.image.kconfig }, virtualised: host.facts.virtualised },
    cpu: {
      vendor: host.facts.vendor,
      maxPhysAddr: config.cpu?.maxPhysAddr ?? host.facts.paddrBits,
      features,
      vulnerable: { meltdown: host.facts.meltdown, l1tf: host.facts.l1tf },
    },
  };
  return { config: realised, qemuCpu: flags.join(",") };
}

/** One way two configurations differ: how a reader names what the first needs, and how to move only that. */
export interface Difference {
  needs: string;
  /** The wanted configuration with this one dimension taken from the other. */
  apply(config: Config): Config;
}

const vendorName = (vendor: string | undefined): string => (vendor === "amd" ? "AMD" : vendor === "intel" ? "Intel" : "Hygon");

/** The dimensions in which two configurations differ. */
export function differences(wanted: Config, got: Config): Difference[] {
  const out: Difference[] = [];
  const w = wanted.xen ?? {};
  const g = got.xen ?? {};
  const withXen = (config: Config, patch: Partial<XenConfig>): Config => ({ ...config, xen: { ...config.xen, ...patch } });
  const withCpu = (config: Config, patch: Partial<CpuConfig>): Config => ({ ...config, cpu: { ...config.cpu, ...patch } });
  if (w.build !== g.build) out.push({ needs: `a ${w.build} build`, apply: (c) => withXen(c, { build: g.build }) });
  for (const [name, value] of Object.entries(w.kconfig ?? {})) {
    const other = (g.kconfig as Record<string, boolean> | undefined)?.[name];
    if (other !== value) out.push({ needs: `${value ? "" : "no "}CONFIG_${name}`, apply: (c) => withXen(c, { kconfig: { ...c.xen?.kconfig, [name]: other } }) });
  }
  if (w.virtualised !== g.virtualised) {
    out.push({ needs: w.virtualised ? "Xen running virtualised" : "Xen on bare metal (not virtualised)", apply: (c) => withXen(c, { virtualised: g.virtualised }) });
  }
  const wc = wanted.cpu ?? {};
  const gc = got.cpu ?? {};
  if (wc.vendor !== gc.vendor) out.push({ needs: `an ${vendorName(wc.vendor)} CPU`, apply: (c) => withCpu(c, { vendor: gc.vendor }) });
  for (const [name, value] of Object.entries(wc.features ?? {})) {
    const other = (gc.features as Record<string, boolean> | undefined)?.[name];
    if (other !== value) {
      out.push({ needs: `${value ? "a CPU with" : "a CPU without"} ${name}`, apply: (c) => withCpu(c, { features: { ...c.cpu?.features, [name]: other } }) });
    }
  }
  for (const [name, value] of Object.entries(wc.vulnerable ?? {})) {
    const other = (gc.vulnerable as Record<string, boolean> | undefined)?.[name];
    if (other !== value) {
      out.push({
        needs: `a CPU ${value ? "" : "not "}vulnerable to ${name === "l1tf" ? "L1TF" : "Meltdown"}`,
        apply: (c) => withCpu(c, { vulnerable: { ...c.cpu?.vulnerable, [name]: other } }),
      });
    }
  }
  if (wc.maxPhysAddr !== gc.maxPhysAddr) out.push({ needs: `MAXPHYADDR ${wc.maxPhysAddr}`, apply: (c) => withCpu(c, { maxPhysAddr: gc.maxPhysAddr }) });
  return out;
}

/** Chooses the host a case runs on, or says what is missing. */
export class HostChooser {
  private readonly referenceOutcomes = new Map<string, CaseOutcome>();

  constructor(
    private readonly available: readonly Host[],
    private readonly reference: CaseExecutor,
  ) {}

  /** What the reference model answers for the case (remembered: the chooser asks it often). */
  async predict(input: CaseInput): Promise<CaseOutcome> {
    return this.outcome(input);
  }

  private async outcome(input: CaseInput): Promise<CaseOutcome> {
    const key = JSON.stringify(input);
    let outcome = this.referenceOutcomes.get(key);
    if (outcome === undefined) {
      outcome = await this.reference.execute(input);
      this.referenceOutcomes.set(key, outcome);
    }
    return outcome;
  }

  /** A host for the case: the first that is its configuration exactly, or one whose differences the reference model shows do not matter. `needs`: what planning found it needs beyond its configuration. */
  async choose(input: CaseInput, needs: HostNeeds = {}): Promise<HostChoice | { reason: string }> {
    let closest: { host: Host; missing: Difference[] } | undefined;
    // HVM guests need a host whose CPU Xen can run them on (VMX or SVM under the emulation).
    const needsHvm = input.config.domains.some((d) => d.type === "hvm") || input.steps.some((s) => s.op === "create_domain" && (s.args as { type?: string }).type === "hvm");
    let eligible = this.available.filter((host) => !needsHvm || host.facts.capabilities.some((cap) => cap.startsWith("hvm-")));
    if (eligible.length === 0) return { reason: "needs an HVM guest, which no available host can run (Xen reports no hvm capability)" };
    if (needs.debugBuild !== undefined) {
      eligible = eligible.filter((host) => host.image.build === "debug");
      if (eligible.length === 0) return { reason: `needs a debug build of Xen (${needs.debugBuild})` };
    } else if (needs.prefersDebugBuild === true) {
      eligible = [...eligible.filter((host) => host.image.build === "debug"), ...eligible.filter((host) => host.image.build !== "debug")];
    }
    for (const host of eligible) {
      const { config, qemuCpu } = realise(input.config, host);
      const missing = differences(input.config, config);
      if (missing.length === 0) return { host, qemuCpu, config, substituted: [] };
      if (closest === undefined || missing.length < closest.missing.length) closest = { host, missing };
      const wanted = await this.outcome(input);
      const offered = await this.outcome({ ...input, config: config as CaseInput["config"] });
      if (wanted.kind === "observed" && offered.kind === "observed" && sameJson(wanted.steps, offered.steps)) {
        return { host, qemuCpu, config, substituted: missing.map((d) => d.needs) };
      }
    }
    if (closest === undefined) return { reason: "no Xen image is available" };
    return { reason: await this.explain(input, closest.missing) };
  }

  /** Which of the differences change the model's observations, each on its own: those name what is missing. */
  private async explain(input: CaseInput, missing: readonly Difference[]): Promise<string> {
    const wanted = await this.outcome(input);
    if (wanted.kind !== "observed") {
      return `needs ${missing.map((d) => d.needs).join(", ")} (the reference model cannot run the case to show the differences do not matter: ${wanted.kind === "skipped" ? wanted.reason : wanted.message})`;
    }
    const matter: string[] = [];
    for (const difference of missing) {
      const moved = await this.outcome({ ...input, config: difference.apply(input.config) as CaseInput["config"] });
      if (moved.kind !== "observed" || !sameJson(wanted.steps, moved.steps)) matter.push(difference.needs);
    }
    const named = matter.length > 0 ? matter : missing.map((d) => d.needs);
    return `needs ${named.join(", ")}${matter.length > 0 ? "" : " together"} (the reference model's observations differ without ${named.length > 1 ? "them" : "it"})`;
  }
}
