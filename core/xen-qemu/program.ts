/**
 * The boot module: the batch of cases compiled for the test kernel, and the kernel images a
 * domU is built from, in the binary layout of wire.json (little-endian, fixed-size records).
 */
import { wire, type RelocationKind } from "./wire";

export interface KernelStep {
  /** A key of wire.json "operations". */
  op: string;
  /** The domain that runs it (0: dom0 itself). */
  dom: number;
  /** The vCPU of that domain that runs it (default 0; below wire.json sizes.maxVcpusPerDomain). */
  vcpu?: number;
  user?: boolean;
  /** Print log markers around it, so that Xen's console lines meanwhile are attributed to it. */
  log?: boolean;
  args: bigint[];
  /** How the kernel relocates each argument from model frames to real frames. */
  relocate?: RelocationKind[];
  /** How each output is mapped back; its length is how many outputs the kernel prints. */
  outputs?: RelocationKind[];
}

export interface KernelDomain {
  domid: number;
  type: "pv64" | "pv32" | "hvm";
  vcpus: number;
  maxGrantVersion: number;
  maxGrantFrames: number;
  maxMaptrackFrames: number;
  privileged?: boolean;
  ioResources?: boolean;
  vcpuContext?: { cr0: bigint; cr3: bigint; cr4: bigint; efer: bigint };
  /** XEN_DOMCTL_createdomain's raw grant_opts, bypassing maxGrantVersion. */
  grantOpts?: number;
  /** Built for Xen's answers only: the test kernel does not start in it. */
  noExecutor?: boolean;
}

/** A domain's first 8 bytes in the wire layout (also create_domain's first argument). */
export function domainWord(d: KernelDomain): bigint {
  const w = wire();
  const flags =
    (d.privileged ? w.domainFlags.privileged : 0) |
    (d.ioResources ? w.domainFlags.ioResources : 0) |
    (d.vcpuContext ? w.domainFlags.vcpuContext : 0) |
    (d.grantOpts !== undefined ? w.domainFlags.grantOpts : 0) |
    (d.noExecutor ? w.domainFlags.noExecutor : 0);
  return BigInt(d.domid) | (BigInt(w.domainTypes[d.type]) << 16n) | (BigInt(flags) << 24n) | (BigInt(d.vcpus) << 32n) | (BigInt(d.maxGrantVersion) << 40n);
}

export interface KernelCase {
  /** Echoed in the case's console line. */
  index: number;
  /** Print the real frames of each pool (a P line): Xen's messages name frames by their real numbers. */
  printPools?: boolean;
  domains: KernelDomain[];
  steps: KernelStep[];
}

/** The boot probes a program asks dom0 for (wire.json "programFlags"), by the names plans use. */
export type BootProbe = "gnttab" | "registers" | "pv32";

export function programFlags(probes: Iterable<BootProbe>): number {
  const flags = wire().programFlags;
  let bits = 0;
  for (const probe of probes) bits |= probe === "gnttab" ? flags.probeGrantTables : probe === "registers" ? flags.dumpRegisters : flags.probePv32;
  return bits;
}

function relocationBits(kinds: readonly RelocationKind[] | undefined, shift: number): number {
  let bits = 0;
  for (const [i, kind] of (kinds ?? []).entries()) bits |= wire().relocation[kind] << (shift + 2 * i);
  return bits >>> 0;
}

export function encodeProgram(cases: readonly KernelCase[], flags: number): Buffer {
  const w = wire();
  if (cases.length > w.sizes.maxCases) throw new RangeError(`${cases.length} cases in one boot; the kernel takes ${w.sizes.maxCases}`);
  let size = w.sizes.programHeader;
  for (const c of cases) size += w.sizes.caseHeader + c.domains.length * w.sizes.domainSpec + c.steps.length * w.sizes.step;
  const out = Buffer.alloc(size);
  out.write(w.programMagic, 0, "latin1");
  out.writeUInt32LE(cases.length, 8);
  out.writeUInt32LE(flags, 12);
  let at = w.sizes.programHeader;
  for (const c of cases) {
    if (c.domains.length > w.sizes.maxDomainsPerCase) throw new RangeError(`case ${c.index}: ${c.domains.length} domains; the kernel takes ${w.sizes.maxDomainsPerCase}`);
    if (c.steps.length > w.sizes.maxStepsPerCase) throw new RangeError(`case ${c.index}: ${c.steps.length} kernel steps; the kernel takes ${w.sizes.maxStepsPerCase}`);
    out.writeUInt32LE(w.caseMagic, at);
    out.writeUInt32LE(c.index, at + 4);
    out.writeUInt16LE(c.domains.length, at + 8);
    out.writeUInt16LE(c.steps.length, at + 10);
    out.writeUInt32LE(c.printPools ? w.caseFlags.printPools : 0, at + 12);
    at += w.sizes.caseHeader;
    for (const d of c.domains) {
      out.writeBigUInt64LE(domainWord(d), at);
      out.writeInt32LE(d.maxGrantFrames, at + 8);
      out.writeInt32LE(d.maxMaptrackFrames, at + 12);
      out.writeUInt32LE(d.grantOpts ?? 0, at + 16);
      if (d.vcpuContext) {
        out.writeBigUInt64LE(d.vcpuContext.cr0, at + 24);
        out.writeBigUInt64LE(d.vcpuContext.cr3, at + 32);
        out.writeBigUInt64LE(d.vcpuContext.cr4, at + 40);
        out.writeBigUInt64LE(d.vcpuContext.efer, at + 48);
      }
      at += w.sizes.domainSpec;
    }
    for (const s of c.steps) {
      const code = w.operations[s.op];
      if (code === undefined) throw new Error(`unknown kernel operation ${s.op}`);
      if (s.args.length > w.sizes.stepArgs) throw new RangeError(`${s.op}: ${s.args.length} arguments`);
      const outputs = s.outputs ?? [];
      if (outputs.length > w.sizes.stepOutputs) throw new RangeError(`${s.op}: ${outputs.length} outputs`);
      if ((s.vcpu ?? 0) >= w.sizes.maxVcpusPerDomain) throw new RangeError(`${s.op}: vCPU ${s.vcpu}; the kernel runs ${w.sizes.maxVcpusPerDomain} per domain`);
      const stepFlags =
        (s.user ? w.stepFlags.user : 0) |
        (s.log ? w.stepFlags.log : 0) |
        (outputs.length << w.stepFlags.outputCountShift) |
        relocationBits(s.relocate, w.relocation.argShift) |
        relocationBits(outputs, w.relocation.outShift);
      out.writeUInt8(code, at);
      out.writeUInt8(s.vcpu ?? 0, at + 1);
      out.writeUInt16LE(s.dom, at + 2);
      out.writeUInt32LE(stepFlags >>> 0, at + 4);
      for (const [i, value] of s.args.entries()) out.writeBigUInt64LE(BigInt.asUintN(64, value), at + 8 + 8 * i);
      at += w.sizes.step;
    }
  }
  return out;
}

export interface BundleImages {
  pv64: Buffer;
  pv32?: Buffer;
  hvm64?: Buffer;
}

/** The boot module: header, program, kernel images (16-byte aligned). */
export function encodeBundle(program: Buffer, images: BundleImages): Buffer {
  const w = wire();
  const parts = [program, images.pv64, images.pv32 ?? Buffer.alloc(0), images.hvm64 ?? Buffer.alloc(0)];
  const offsets: number[] = [];
  let at = w.sizes.bundleHeader;
  for (const part of parts) {
    offsets.push(part.length === 0 ? 0 : at);
    at = (at + part.length + 15) & ~15;
  }
  const out = Buffer.alloc(at);
  out.write(w.bundleMagic, 0, "latin1");
  out.writeUInt32LE(w.version, 8);
  for (const [i, part] of parts.entries()) {
    out.writeUInt32LE(offsets[i] ?? 0, 16 + 8 * i);
    out.writeUInt32LE(part.length, 20 + 8 * i);
    if (part.length) part.copy(out, offsets[i]);
  }
  return out;
}
