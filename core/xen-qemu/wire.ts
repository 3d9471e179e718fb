/**
 * The wire format shared with the PV test kernel (wire.json; the kernel reads the generated
 * kernel/include/wire.h): the boot module's records, kernel operations and their relocation
 * of model frames, and the console lines.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../spec/paths";

export type RelocationKind = "none" | "frame" | "pte" | "maddr";

export interface Wire {
  version: number;
  bundleMagic: string;
  programMagic: string;
  caseMagic: number;
  sizes: {
    bundleHeader: number;
    programHeader: number;
    caseHeader: number;
    domainSpec: number;
    step: number;
    stepArgs: number;
    stepOutputs: number;
    maxCases: number;
    maxStepsPerCase: number;
    maxDomainsPerCase: number;
    poolFrames: number;
    memBytesPerStep: number;
    /** The vCPUs a domU may have: the test kernel runs an executor on each. */
    maxVcpusPerDomain: number;
  };
  model: { frameStride: number; mmioWindowFirst: number; mmioWindowFrames: number; realMmioFirst: number };
  domainTypes: Record<"pv64" | "pv32" | "hvm", number>;
  domainFlags: Record<"privileged" | "ioResources" | "vcpuContext" | "grantOpts" | "noExecutor", number>;
  stepFlags: { user: number; log: number; outputCountShift: number; outputCountMask: number };
  caseFlags: { printPools: number };
  programFlags: { probeGrantTables: number; dumpRegisters: number; probePv32: number };
  relocation: Record<RelocationKind, number> & { argShift: number; outShift: number };
  operations: Record<string, number>;
  results: Record<"fault" | "unsupported" | "aborted" | "badFrame" | "injectionConflict" | "notOwned" | "noDomain", number>;
  console: Record<"header" | "bootProbe" | "result" | "caseAbort" | "end" | "fatal" | "marker" | "earlyLog" | "pools" | "registerDump" | "stop", string>;
}

let cached: Wire | undefined;

export function wire(): Wire {
  cached ??= JSON.parse(readFileSync(join(packageRoot(), "core", "xen-qemu", "wire.json"), "utf8")) as Wire;
  return cached;
}

/** The name of a kernel operation's code (for messages). */
export function operationName(code: number): string {
  return Object.entries(wire().operations).find(([, value]) => value === code)?.[0] ?? `op ${code}`;
}
