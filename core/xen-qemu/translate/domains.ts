/**
 * A case's domains as the test kernel builds them: the kernel's record of each, or Unsupported
 * naming what the kernel cannot give a domain.
 */
import type { CaseInput } from "../../interface";
import { parseHex } from "../../hex";
import type { KernelDomain } from "../program";
import { wire } from "../wire";
import { DecodeError, Unsupported } from "./plan";

/** A configuration value the runner fills from the schema's default. */
export function filled<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new DecodeError(`config ${what} missing (the runner fills schema defaults in)`);
  return value;
}

type DomainConfig = CaseInput["config"]["domains"][number];

/** A domain as the kernel builds it, or Unsupported naming what the test kernel cannot give it. */
export function planDomain(config: DomainConfig, asStep: boolean): KernelDomain {
  const d = {
    ...config,
    domid: filled(config.domid, "domains[].domid"),
    type: filled(config.type, "domains[].type"),
    vcpus: filled(config.vcpus, "domains[].vcpus"),
  };
  if (d.domid === 0) throw new Unsupported("configures domain 0, which is the test kernel itself on real Xen");
  if (d.domid >= 0x7ff0) throw new Unsupported("creates a domain with a reserved or DOMID_ANY id");
  if (d.privileged) throw new Unsupported("needs a privileged domU");
  const maxVcpus = wire().sizes.maxVcpusPerDomain;
  if (d.vcpus < 1) throw new Unsupported("needs a domU without a vCPU");
  // The test kernel runs an executor on every vCPU of a PV domU; its HVM executor runs on one.
  if (d.type === "hvm" && d.vcpus > 1) throw new Unsupported("needs an HVM domU with more than one vCPU");
  if (d.vcpus > maxVcpus) throw new Unsupported(`needs a domU with ${d.vcpus} vCPUs; the test kernel runs up to ${maxVcpus}`);
  if ((d.cr4AllowList ?? []).length > 0) throw new Unsupported("needs a toolstack CR4 allow-list (seed 002), which Xen has no interface for");
  if ((d.elfNotes ?? []).length > 0) {
    throw new Unsupported("needs a guest kernel with chosen ELF notes (a domU's notes are read by the toolstack's libelf, which the test kernel's builder does not run)");
  }
  const { context, runnable } = vcpuContextOf(d.domid, d.type, d.vcpuContext, asStep);
  return {
    domid: d.domid,
    type: d.type,
    vcpus: d.vcpus,
    // 0xff: libxl's default, 2 when the host offers v2, else 1 (the kernel reads physinfo).
    maxGrantVersion: d.maxGrantVersion ?? 0xff,
    maxGrantFrames: 32,
    maxMaptrackFrames: 1024,
    ...(d.ioResources ? { ioResources: true } : {}),
    ...(context ? { vcpuContext: context } : {}),
    ...(d.grantOpts !== undefined ? { grantOpts: Number(parseHex(d.grantOpts) & 0xffffffffn) } : {}),
    ...(runnable ? {} : { noExecutor: true }),
  };
}


type VcpuContextConfig = NonNullable<CaseInput["config"]["domains"][number]["vcpuContext"]>;

/**
 * The vCPU context a domain starts in, and whether the test kernel can run in it. An HVM guest
 * starts in the case's context (dom0 loads it as a toolstack does); the test kernel runs there as
 * 64-bit code mapped through the case's own top-level table, so the context must be long mode
 * with paging, on a table of the domain's frames. A PV guest's toolstack context carries CR0 and
 * CR4 (its CR3 is the test kernel's tables). A domain created as a step may have a context the
 * kernel cannot run in: it is built for Xen's answers only, and steps in it are refused.
 */
function vcpuContextOf(
  domid: number,
  type: string,
  context: VcpuContextConfig | undefined,
  asStep: boolean,
): { context?: { cr0: bigint; cr3: bigint; cr4: bigint; efer: bigint }; runnable: boolean } {
  const given = context ?? {};
  const value = (text: string | undefined): bigint => (text === undefined ? 0n : parseHex(text));
  const registers = { cr0: value(given.cr0), cr3: value(given.cr3), cr4: value(given.cr4), efer: value(given.efer) };
  const present = Object.keys(given).length > 0;
  if (type !== "hvm") {
    if (given.cr3 !== undefined || given.efer !== undefined) throw new Unsupported("supplies CR3 or EFER in a PV guest's toolstack context");
    return present ? { context: registers, runnable: true } : { runnable: true };
  }
  let why: string | undefined;
  if (!present) why = "needs an HVM guest in its reset state (real mode), which the test kernel cannot run in";
  else {
    const longMode = (registers.cr0 & (1n << 31n)) !== 0n && (registers.cr4 & (1n << 5n)) !== 0n && (registers.efer & (1n << 10n)) !== 0n;
    const top = registers.cr3 >> 12n;
    const first = BigInt(domid * wire().model.frameStride);
    if (!longMode) why = "needs an HVM guest outside long mode, which the test kernel cannot run in";
    else if (top < first || top >= first + BigInt(wire().sizes.poolFrames)) why = "starts an HVM guest on a CR3 outside its own frames";
  }
  if (why !== undefined && !asStep) throw new Unsupported(why);
  return { ...(present ? { context: registers } : {}), runnable: why === undefined };
}

