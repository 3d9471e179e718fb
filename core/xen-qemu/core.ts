/**
 * The real-Xen core: runs cases on the Xen hypervisor itself, booted under QEMU with the hvabi
 * PV test kernel as dom0 (kernel/). It speaks the core interface like any other core.
 *
 * At start it boots each Xen image once to learn the host (hosts.ts) and describes itself with
 * the Xen versions it booted. For a batch: every case is compiled for the test kernel
 * (translate/) or skipped with the reason; cases are given a host (image, QEMU CPU) and grouped
 * by what a boot fixes (image, CPU, Xen command line); each group is one boot (two at a time),
 * whose console is turned back into observations. A boot that ends early (dom0 crashed, Xen
 * panicked, the time limit) costs the case in flight, which is reported as a crash or a time-out
 * with the console's tail; the group's remaining cases get a new boot.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpec, type Spec } from "../../spec";
import { packageRoot } from "../../spec/paths";
import type { StepObservation } from "../../spec/types/generated";
import type { CaseInput, CaseOutcome, Core, CoreDescription } from "../interface";
import { createReferenceExecutor } from "../reference";
import { readConsole, type ConsoleReading, type RawCase } from "./console";
import { emulationDeviation } from "./emulation";
import { type Host, type HostChoice, HostChooser, buildOf, hostFacts, hosts, kconfigOf, type XenImage } from "./hosts";
import { encodeBundle, encodeProgram, programFlags, type KernelCase } from "./program";
import { bootXen, type BootOutcome, type BootRequest } from "./qemu";
import { type CasePlan, type HostNeeds, TRANSLATED_OPERATIONS, Unsupported, caseCommandLine, planCase, type BootFacts } from "./translate";

export const XEN_QEMU_AREAS = ["gnttab", "smap", "pte", "cr4", "ptshare"] as const;

export interface XenQemuOptions {
  images: XenImage[];
  /** The test kernel's images (default: core/xen-qemu/kernel/build/). */
  kernelDir?: string;
  qemu?: string;
  spec?: Spec;
  /** Keep every boot's console (and its boot module) here, for a reader who wants to see it all. */
  consoleDir?: string;
  /** How a boot happens: bootXen, or a stand-in in tests (the console a boot would have printed). */
  boot?: (request: BootRequest) => Promise<BootOutcome>;
}

interface Kernels {
  pv64: Buffer;
  pv64Path: string;
  pv32?: Buffer;
  hvm64?: Buffer;
}

export class XenQemuError extends Error {}

function loadKernels(dir: string): Kernels {
  const pv64Path = join(dir, "hvabi-pv64.elf");
  if (!existsSync(pv64Path)) {
    throw new XenQemuError(`the test kernel is not built (${pv64Path} is missing): run \`make -C core/xen-qemu/kernel\` (or \`npm run setup:xen\`)`);
  }
  const optional = (name: string): Buffer | undefined => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined);
  const pv32 = optional("hvabi-pv32.elf");
  const hvm64 = optional("hvabi-hvm64.elf");
  return { pv64: readFileSync(pv64Path), pv64Path, ...(pv32 ? { pv32 } : {}), ...(hvm64 ? { hvm64 } : {}) };
}

/** Xen's banner: "Xen version 4.17.7 (Debian 4.17.7+13-…) (…) … debug=n …". */
function banner(bootLog: readonly string[]): string | undefined {
  for (const line of bootLog) {
    const match = /^Xen version (\S+) \(([^)]*)\)/.exec(line);
    if (match) return match[2]?.startsWith("Debian") ? `${match[1]} (${match[2]})` : match[1];
  }
  return undefined;
}

interface Item {
  input: CaseInput;
  plan: CasePlan;
  choice: HostChoice;
  cmdline: string;
  outcome?: CaseOutcome;
}

/** The last console lines, for a crash or time-out report. */
function tail(lines: readonly string[], count = 40): string {
  return lines.slice(-count).join("\n");
}

export class XenQemuCore implements Core {
  readonly description: CoreDescription;
  private readonly log: string[] = [];
  private readonly work: string;
  private boots = 0;

  private readonly boot: (request: BootRequest) => Promise<BootOutcome>;

  private constructor(
    private readonly spec: Spec,
    private readonly hostsAvailable: Host[],
    private readonly kernels: Kernels,
    private readonly options: XenQemuOptions,
    probeLog: readonly string[] = [],
  ) {
    this.log.push(...probeLog);
    this.boot = options.boot ?? ((request) => bootXen(request));
    this.work = mkdtempSync(join(tmpdir(), "hvabi-xen-"));
    const profiles = [...spec.profiles.values()].filter((p) => p.hypervisor.split("+").includes("xen")).map((p) => p.name);
    this.description = {
      name: "xen-qemu",
      version: [...new Set(hostsAvailable.map((h) => `Xen ${h.facts.xenVersion} (${h.image.label}: ${h.image.build} build${h.image.kconfig.PV32 ? ", PV32" : ""})`))].join("; "),
      profiles,
      areas: [...XEN_QEMU_AREAS],
      operations: [...TRANSLATED_OPERATIONS],
      // Every case at once: cases that need the same boot share it, across areas and files.
      batchSize: 100_000,
      about: `Real Xen under QEMU (software emulation; CPUs: ${[...new Set(hostsAvailable.map((h) => `${h.cpu.qemu} (${h.facts.vendor})`))].join(", ")}), the hvabi PV test kernel as dom0 and domUs`,
    };
  }

  /** A core on hosts already known (tests, and a caller that probed them itself). */
  static withHosts(hostsAvailable: Host[], options: XenQemuOptions): XenQemuCore {
    const spec = options.spec ?? loadSpec();
    const kernels = loadKernels(options.kernelDir ?? join(packageRoot(), "core", "xen-qemu", "kernel", "build"));
    return new XenQemuCore(spec, hostsAvailable, kernels, options);
  }

  /** Boots every image once to learn its host; throws XenQemuError when one cannot boot. */
  static async start(options: XenQemuOptions): Promise<XenQemuCore> {
    const spec = options.spec ?? loadSpec();
    if (options.images.length === 0) throw new XenQemuError("no Xen image to boot");
    const kernels = loadKernels(options.kernelDir ?? join(packageRoot(), "core", "xen-qemu", "kernel", "build"));
    const work = mkdtempSync(join(tmpdir(), "hvabi-xen-probe-"));
    try {
      const module = join(work, "probe.bin");
      writeFileSync(module, encodeBundle(encodeProgram([], programFlags(["gnttab"])), { pv64: kernels.pv64 }));
      // A host per image and CPU model, tried in that order (images first: the release build before the debug build).
      const pairs = options.images.flatMap((image) => hosts().cpuModels.map((cpu) => ({ image, cpu })));
      const probeLog: string[] = [];
      const found = await Promise.all(
        pairs.map(async ({ image, cpu }): Promise<Host> => {
          const boot = options.boot ?? ((request: BootRequest) => bootXen(request));
          const outcome = await boot(bootRequest(image, cpu.qemu, "", kernels.pv64Path, module, hosts().timing.bootMs, options.qemu));
          const reading = readConsole(outcome.lines);
          probeLog.push(bootLine("probe", { label: image.label, cpu: cpu.name, qemuCpu: cpu.qemu, cmdline: "", cases: 0 }, outcome, reading));
          if (!reading.header || !reading.ended) {
            throw new XenQemuError(`the ${image.label} Xen image (${image.path}) did not boot the test kernel on QEMU's ${cpu.qemu} CPU: ${outcome.reason}\n${tail(outcome.lines, 20)}`);
          }
          const facts = hostFacts(spec, reading.bootLog, reading.probes, reading.header);
          facts.xenVersion = banner(reading.bootLog) ?? facts.xenVersion;
          return { image, cpu, facts };
        }),
      );
      return new XenQemuCore(spec, found, kernels, options, probeLog);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** The hosts this core can boot (an image on a CPU model, as the probe boot read them). */
  get hosts(): readonly Host[] {
    return this.hostsAvailable;
  }

  stderr(): string {
    return this.log.join("\n");
  }

  async close(): Promise<void> {
    rmSync(this.work, { recursive: true, force: true });
  }

  async run(cases: readonly CaseInput[]): Promise<CaseOutcome[]> {
    const chooser = new HostChooser(this.hostsAvailable, createReferenceExecutor(this.spec));
    // One run per distinct case: a case listed for several profiles is the same input for Xen.
    const distinct = new Map<string, Item | CaseOutcome>();
    const keyOf = (input: CaseInput): string => JSON.stringify([input.area, input.config, input.steps]);
    for (const input of cases) {
      const key = keyOf(input);
      if (distinct.has(key)) continue;
      distinct.set(key, await this.prepare(input, chooser));
    }
    const items = [...distinct.values()].filter((value): value is Item => "plan" in value);
    const groups = new Map<string, Item[]>();
    for (const item of items) {
      const key = JSON.stringify([item.choice.host.image.label, item.choice.host.cpu.name, item.choice.qemuCpu, item.cmdline]);
      const group = groups.get(key) ?? [];
      group.push(item);
      groups.set(key, group);
    }
    await Promise.all([...groups.values()].map((group) => this.runGroup(group)));
    return cases.map((input) => {
      const prepared = distinct.get(keyOf(input));
      if (prepared === undefined) return { kind: "errored", message: "internal: case not prepared" };
      return "plan" in prepared ? (prepared.outcome ?? { kind: "errored", message: "internal: case not run" }) : prepared;
    });
  }

  private async prepare(input: CaseInput, chooser: HostChooser): Promise<Item | CaseOutcome> {
    try {
      const cmdline = caseCommandLine(input);
      const choice = await chooser.choose(input, this.hostNeeds(input));
      if ("reason" in choice) return { kind: "skipped", reason: choice.reason };
      const onHost: CaseInput = { ...input, config: choice.config as CaseInput["config"] };
      const deviation = emulationDeviation(onHost, await chooser.predict(onHost));
      if (deviation !== undefined) return { kind: "skipped", reason: deviation };
      // Plan for the configuration the case really runs in (the host's build, CPU).
      const plan = planCase(onHost, { spec: this.spec, build: choice.host.image.build });
      return { input, plan, choice, cmdline };
    } catch (error) {
      if (error instanceof Unsupported) return { kind: "skipped", reason: error.message };
      throw error;
    }
  }

  /** What planning the case as written finds it needs of a host (a debug build); nothing when it cannot be planned as written. */
  private hostNeeds(input: CaseInput): HostNeeds {
    try {
      return planCase(input, { spec: this.spec }).hostNeeds;
    } catch (error) {
      // Planned again below for the host's configuration, which says why when it cannot run.
      if (error instanceof Unsupported) return {};
      throw error;
    }
  }

  private async runGroup(group: Item[]): Promise<void> {
    let pending = group;
    const first = group[0];
    if (first === undefined) return;
    const { host, qemuCpu } = first.choice;
    const limit = hosts().timing;
    for (let restarts = 0; pending.length > 0; restarts++) {
      if (restarts > limit.maxRestartsPerGroup) {
        for (const item of pending) item.outcome = { kind: "errored", message: `gave up after ${restarts} boots of this group: ${this.log.at(-1) ?? ""}` };
        return;
      }
      const kernelCases: KernelCase[] = pending.map((item, index) => ({ index, domains: item.plan.domains, steps: item.plan.steps, printPools: item.plan.printPools }));
      const probes = programFlags(pending.flatMap((item) => [...item.plan.probes]));
      const boot = ++this.boots;
      const module = join(this.work, `boot-${boot}.bin`);
      writeFileSync(module, encodeBundle(encodeProgram(kernelCases, probes), this.kernels));
      const timeout = limit.bootMs + limit.perCaseMs * pending.reduce((sum, item) => sum + 1 + item.plan.domains.length, 0);
      const { icount } = limit;
      const icountShift = pending.length <= icount.maxCases[host.image.build] ? icount.shift : undefined;
      const outcome = await this.boot({
        ...bootRequest(host.image, qemuCpu, first.cmdline, this.kernels.pv64Path, module, timeout, this.options.qemu),
        ...(icountShift === undefined ? {} : { icountShift }),
      });
      rmSync(module, { force: true });
      if (this.options.consoleDir !== undefined) {
        mkdirSync(this.options.consoleDir, { recursive: true });
        writeFileSync(join(this.options.consoleDir, `boot-${boot}.log`), `${outcome.lines.join("\n")}\n`);
      }
      const reading = readConsole(outcome.lines);
      this.record(boot, host, qemuCpu, first.cmdline, pending.length, outcome, reading);
      pending = this.settle(pending, host, outcome, reading);
    }
  }

  /** Gives each case of the boot its outcome; returns the ones that need another boot. */
  private settle(pending: Item[], host: Host, outcome: BootOutcome, reading: ConsoleReading): Item[] {
    if (!reading.header) {
      // Xen itself never reached dom0: every case's boot went the same way.
      const observation: StepObservation = { result: outcome.end === "timeout" ? "shutdown" : "host-crashed" };
      for (const item of pending) {
        item.outcome =
          outcome.end === "qemu-failed"
            ? { kind: "errored", message: `QEMU failed: ${outcome.reason}`, stderr: outcome.stderrTail }
            : { kind: "observed", steps: item.input.steps.map(() => observation) };
      }
      return [];
    }
    const boot: BootFacts = {
      probes: reading.probes,
      bootLog: reading.bootLog,
      registerDump: reading.registerDump,
      capabilities: reading.header.capabilities,
      build: host.image.build,
    };
    const raw = (index: number): RawCase | undefined => reading.cases.get(index);
    const inFlight = pending.findIndex((_, index) => raw(index) === undefined);
    pending.forEach((item, index) => {
      const result = raw(index);
      if (result !== undefined) item.outcome = item.plan.decode(result, boot);
    });
    if (inFlight < 0) return [];
    if (reading.stopped !== undefined && !reading.fatal) {
      // dom0 ended the boot on purpose between two cases (a domain Xen would not free): the rest need another boot.
      this.log.push(`[xen-qemu] dom0 stopped the boot: ${reading.stopped}`);
      return pending.slice(inFlight).filter((item) => item.outcome === undefined);
    }
    const victim = pending[inFlight];
    if (victim === undefined) return [];
    const why = reading.fatal ? `the test kernel stopped: ${reading.fatal}` : outcome.reason;
    const console = tail(outcome.lines);
    if (outcome.end === "timeout") victim.outcome = { kind: "timed-out", message: `real Xen: ${why}`, stderr: console };
    else if (outcome.end === "completed") victim.outcome = { kind: "errored", message: `real Xen: the boot ended without this case's result (${why})`, stderr: console };
    else victim.outcome = { kind: "crashed", message: `real Xen: ${why}`, stderr: console };
    return pending.slice(inFlight + 1).filter((item) => item.outcome === undefined);
  }

  private record(boot: number, host: Host, qemuCpu: string, cmdline: string, cases: number, outcome: BootOutcome, reading: ConsoleReading): void {
    this.log.push(bootLine(boot, { label: host.image.label, cpu: host.cpu.name, qemuCpu, cmdline, cases }, outcome, reading));
  }
}

/**
 * The core's stderr line for one boot: `[xen-qemu] boot N: …` for a batch of cases, `[xen-qemu]
 * probe boot: …` for a boot of `start` that learns a host. The time from QEMU's start to the test
 * kernel's first console line ("first kernel line at …", or "no kernel line") is what Xen and
 * dom0's construction cost before any case ran. `npm run bench` reads these lines back
 * (scripts/bench/real-xen.ts): keep one line per boot.
 */
export function bootLine(
  boot: number | "probe",
  what: { label: string; cpu: string; qemuCpu: string; cmdline: string; cases: number },
  outcome: BootOutcome,
  reading: ConsoleReading,
): string {
  const garbled = reading.garbled.length > 0 ? `; ${reading.garbled.length} unreadable console lines, first: ${JSON.stringify(reading.garbled[0])}` : "";
  const kernel = outcome.firstKernelLineMs === undefined ? "no kernel line" : `first kernel line at ${(outcome.firstKernelLineMs / 1000).toFixed(1)} s`;
  const name = boot === "probe" ? "probe boot" : `boot ${boot}`;
  return (
    `[xen-qemu] ${name}: ${what.label}, ${what.cpu} (-cpu ${what.qemuCpu}), cmdline ${JSON.stringify(what.cmdline)}, ${what.cases} cases, ${reading.cases.size} results, ` +
    `${(outcome.durationMs / 1000).toFixed(1)} s, ${kernel}, ${outcome.end}${outcome.end === "completed" ? "" : ` (${outcome.reason})`}${garbled}`
  );
}

function bootRequest(image: XenImage, qemuCpu: string, cmdline: string, dom0Kernel: string, module: string, timeoutMs: number, qemu?: string): BootRequest {
  const machine = hosts().machine;
  return {
    xenImage: image.path,
    xenCommandLine: cmdline === "" ? machine.xenCommandLine : `${machine.xenCommandLine} ${cmdline}`,
    dom0Kernel,
    module,
    cpu: qemuCpu,
    memoryMiB: machine.memoryMiB,
    timeoutMs,
    ...(qemu ? { qemu } : {}),
  };
}

/** A Xen image described by its .config (a file, or the one Xen embeds). */
export function xenImage(label: string, path: string, configText: string): XenImage {
  return { label, path, build: buildOf(configText), kconfig: kconfigOf(configText) };
}
