/**
 * Compiles a case (as a core receives it: no expectations) into the test kernel's program, and
 * turns the kernel's console results back into the case's outcome. planCase() throws
 * Unsupported, with the reason, for a case the real-Xen core cannot run; the caller reports it
 * as a skip.
 */
import type { StepObservation } from "../../../spec/types/generated";
import type { CaseInput, CaseOutcome } from "../../interface";
import type { RawCase } from "../console";
import type { BootProbe, KernelDomain, KernelStep } from "../program";
import { wire } from "../wire";
import { filled, planDomain } from "./domains";
import { gnttabTranslators } from "./gnttab";
import { normativeMessages } from "./messages";
import { type BootFacts, type Decoder, type HostNeeds, type PlanEnvironment, type Results, type StepTranslator, CaseBuilder, DecodeError, Unsupported } from "./plan";
import { pvTranslators } from "./pv";
import { Ambiguous, readState } from "./state";
import { TEST_CRASH_DOM0, xenTranslators } from "./xen";

export { Unsupported } from "./plan";
export { TEST_CRASH_DOM0 } from "./xen";
export type { BootFacts, HostNeeds, PlanEnvironment } from "./plan";

const TRANSLATORS: Record<string, StepTranslator> = { ...xenTranslators, ...gnttabTranslators, ...pvTranslators };

/** Operations the real-Xen core has a translation for (its self-description); not the test-only one. */
export const TRANSLATED_OPERATIONS: readonly string[] = Object.keys(TRANSLATORS).filter((op) => op !== TEST_CRASH_DOM0);

/** Options of Xen's command line the harness sets itself; a case may not change them. */
const HARNESS_OPTIONS = ["console", "com1", "dom0_mem", "dom0_max_vcpus", "noreboot", "loglvl", "guest_loglvl", "sync_console"];

export interface CasePlan {
  domains: KernelDomain[];
  steps: KernelStep[];
  /** The case reads Xen's messages: the kernel prints its pools' real frames (messages name frames). */
  printPools: boolean;
  /** Boot probes its decoders read. */
  probes: ReadonlySet<BootProbe>;
  /** What it needs of a host beyond its configuration (a debug build). */
  hostNeeds: HostNeeds;
  decode(raw: RawCase, boot: BootFacts): CaseOutcome;
}

function planDomains(input: CaseInput): KernelDomain[] {
  return input.config.domains.filter((config) => !isDom0AsItIs(config)).map((config) => planDomain(config, false));
}

/**
 * A case may name domain 0 when it asks nothing of it that the test kernel, which is dom0, is
 * not: a 64-bit PV domain with one vCPU and the defaults. Anything more is refused (planDomain).
 */
function isDom0AsItIs(config: CaseInput["config"]["domains"][number]): boolean {
  const defaults = (list: readonly unknown[] | undefined): boolean => (list ?? []).length === 0;
  return (
    config.domid === 0 &&
    (config.type ?? "pv64") === "pv64" &&
    (config.vcpus ?? 1) === 1 &&
    config.maxGrantVersion === undefined &&
    config.grantOpts === undefined &&
    defaults(config.cr4AllowList) &&
    defaults(config.elfNotes) &&
    Object.keys(config.vcpuContext ?? {}).length === 0
  );
}

/** The case's own Xen command line, checked for options the harness needs for itself. */
export function caseCommandLine(input: CaseInput): string {
  const xen = input.config.xen;
  const arch = filled(xen.arch, "xen.arch");
  if (arch !== "x86_64") throw new Unsupported(`needs an ${arch} host`);
  if (xen.builtinCmdline !== "" || xen.cmdlineOverride) throw new Unsupported("needs a Xen built with CONFIG_CMDLINE");
  if (xen.pvShim) throw new Unsupported("needs Xen running as the PV shim");
  // Xen reads the command line as a C string: it ends at the first NUL.
  const cmdline = filled(xen.cmdline, "xen.cmdline").split("\0")[0] ?? "";
  for (const option of cmdline.split(/\s+/)) {
    const name = option.split("=")[0] ?? "";
    if (HARNESS_OPTIONS.includes(name.replace(/^no-/, ""))) throw new Unsupported(`sets ${name}, which the harness sets itself`);
  }
  if (/[\u0000-\u001f\u007f]/.test(cmdline.replace(/[\t ]/g, ""))) throw new Unsupported("has control characters in Xen's command line");
  return cmdline;
}

export function planCase(input: CaseInput, env: PlanEnvironment): CasePlan {
  if (input.config.hypervisor !== "xen") throw new Unsupported("is not about Xen");
  caseCommandLine(input);
  const builder = new CaseBuilder(input, env, planDomains(input));
  // first..own-1: the step's own kernel steps (the ones its log is read around); then its state reads up to last.
  const decoders: { step: Decoder<StepObservation>; state: [string, Decoder<unknown>][]; first: number; own: number; last: number }[] = [];
  for (const step of input.steps) {
    const translate = TRANSLATORS[step.op];
    if (translate === undefined) throw new Unsupported(`uses ${step.op}, which the real-Xen core does not translate`);
    const first = builder.steps.length;
    const decode = translate(step, builder);
    const own = builder.steps.length;
    if (step.observe?.log) for (let i = first; i < own; i++) builder.steps[i] = { ...builder.steps[i]!, log: true };
    const state: [string, Decoder<unknown>][] = (step.observe?.state ?? []).map((key) => [key, readState(key, builder)]);
    decoders.push({ step: decode, state, first, own, last: builder.steps.length - 1 });
  }
  const limits = wire().sizes;
  checkFrames(builder);
  if (builder.steps.length > limits.maxStepsPerCase) throw new Unsupported(`needs ${builder.steps.length} kernel steps; the kernel runs ${limits.maxStepsPerCase} per case`);
  const kernelSteps = builder.steps;

  return {
    domains: builder.domains,
    steps: kernelSteps,
    printPools: kernelSteps.some((step) => step.log),
    probes: builder.probes,
    hostNeeds: builder.hostNeeds,
    decode(raw: RawCase, boot: BootFacts): CaseOutcome {
      const results: Results = {
        step(index) {
          const result = raw.steps[index];
          if (result === undefined) throw new DecodeError(`no result for kernel step ${index}`);
          return result;
        },
        log: (index) => raw.stepLogs.get(index) ?? [],
        boot,
      };
      const done = raw.steps.length;
      if (done < kernelSteps.length && raw.abort !== undefined && /^build /.test(raw.abort)) {
        return { kind: "errored", message: `real Xen: the test kernel could not build the case's domains: ${raw.abort}` };
      }
      if (done < kernelSteps.length && raw.abort === undefined) {
        return { kind: "errored", message: `the test kernel reported ${done} of ${kernelSteps.length} kernel steps` };
      }
      const observations: StepObservation[] = [];
      try {
        for (const decoder of decoders) {
          if (decoder.last >= done) {
            // A domU stopped (crashed or shut down) while this step ran: Xen ended the domain.
            observations.push({ result: "domain-crashed" });
            continue;
          }
          const observation = decoder.step(results);
          if (decoder.state.length > 0) {
            const state: Record<string, unknown> = {};
            for (const [key, read] of decoder.state) state[key] = read(results);
            observation.state = state as StepObservation["state"];
          }
          const marked = kernelSteps.slice(decoder.first, decoder.own).some((s) => s.log);
          if (marked) {
            const lines: string[] = [];
            for (let i = decoder.first; i < decoder.own; i++) lines.push(...results.log(i));
            observation.log = normativeMessages(env.spec, lines, raw.frames);
          }
          observations.push(observation);
        }
      } catch (error) {
        if (error instanceof Ambiguous || error instanceof Unsupported) return { kind: "skipped", reason: `real Xen cannot judge this case: ${error.message}` };
        if (error instanceof DecodeError) return { kind: "errored", message: `real Xen: ${error.message}${raw.abort ? ` (the case stopped: ${raw.abort})` : ""}` };
        throw error;
      }
      return { kind: "observed", steps: observations };
    },
  };
}

/**
 * Every frame an argument names must be one the test kernel can name on a real host: a frame of
 * one of the case's domains (the kernel stands a real frame in for each), or of the MMIO window.
 * The model's other frames (RAM no domain owns, a domain the case does not create) have no real
 * counterpart the kernel could pick. Frame 0 is "no frame" in a PTE and stays as it is, and so
 * does a frame beyond MAXPHYADDR.
 */
function checkFrames(builder: CaseBuilder): void {
  const { model } = wire();
  // A frame beyond MAXPHYADDR names no RAM on any host: it stays as it is (Xen sees its address bits).
  const beyondPhysical = 1n << BigInt((builder.input.config.cpu.maxPhysAddr ?? 52) - 12);
  const stride = BigInt(model.frameStride);
  const pool = BigInt(wire().sizes.poolFrames);
  const domids = new Set([...builder.domains, ...builder.stepDomains].map((d) => BigInt(d.domid)));
  const mmio = [BigInt(model.mmioWindowFirst), BigInt(model.mmioWindowFirst + model.mmioWindowFrames)] as const;
  for (const step of builder.steps) {
    step.relocate?.forEach((kind, i) => {
      const value = step.args[i] ?? 0n;
      const frame = kind === "frame" ? value : kind === "pte" ? (value & 0x000ffffffffff000n) >> 12n : kind === "maddr" ? value >> 12n : 0n;
      if (frame === 0n || frame >= beyondPhysical || (frame >= mmio[0] && frame < mmio[1])) return;
      if (!domids.has(frame / stride) || frame % stride >= pool) {
        throw new Unsupported(`names frame 0x${frame.toString(16)}, which no domain of the case owns (on a real host the test kernel can stand in only for the case's domains' frames)`);
      }
    });
  }
}
