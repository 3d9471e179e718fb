/**
 * Platform operations: the boot itself (its log and the settings it left), XEN_SYSCTL_physinfo,
 * and the harness's reads and writes of a domain's frames (the guest mapping its own frame).
 */
import type { CreateDomainStep, MemReadArgs, MemWriteArgs } from "../../../spec/types/generated";
import { domainWord } from "../program";
import { planDomain } from "./domains";
import { parseHex } from "../../hex";
import { wire } from "../wire";
import { normativeMessages } from "./messages";
import { type StepTranslator, Unsupported, argsOf, outcomeOf, output } from "./plan";

const PHYSCAP_GNTTAB_V1 = 1n << 8n;
const PHYSCAP_GNTTAB_V2 = 1n << 9n;

/** The boot happened before dom0 ran: its observation is the boot log and the probes. */
const boot: StepTranslator = (step, builder) => {
  if (builder.input.steps.indexOf(step) !== 0) throw new Unsupported("boots Xen twice in one case");
  return (results) => (step.observe?.log ? { result: "ok", log: normativeMessages(builder.env.spec, results.boot.bootLog) } : { result: "ok" });
};

const physinfo: StepTranslator = (_step, builder) => {
  const index = builder.emit({ op: "physinfo", dom: 0, args: [], outputs: ["none"] });
  return (results) => {
    const raw = results.step(index);
    const outcome = outcomeOf(builder.env.spec, raw);
    if (outcome.result !== "ok") return outcome;
    const capabilities = output(raw, 0);
    return { result: "ok", returns: { "cap.gnttab_v1": (capabilities & PHYSCAP_GNTTAB_V1) !== 0n, "cap.gnttab_v2": (capabilities & PHYSCAP_GNTTAB_V2) !== 0n } };
  };
};

/**
 * The guest reads or writes one of its frames through a mapping of its own. A frame it cannot
 * map (not its own) and bytes past the page give EFAULT, as the model's harness says.
 */
function chunks(offset: number, length: number): { offset: number; length: number }[] {
  const size = wire().sizes.memBytesPerStep;
  const parts: { offset: number; length: number }[] = [];
  for (let at = 0; at < length; at += size) parts.push({ offset: offset + at, length: Math.min(size, length - at) });
  return parts;
}

function bytesToWords(bytes: Buffer): bigint[] {
  const padded = Buffer.alloc(32);
  bytes.copy(padded);
  return [0, 8, 16, 24].map((at) => padded.readBigUInt64LE(at));
}

const memWrite: StepTranslator = (step, builder) => {
  const args = argsOf<MemWriteArgs, "dom" | "offset">(step, ["dom", "offset"]);
  if (!/^([0-9a-fA-F]{2})*$/.test(args.bytes)) throw new Unsupported("mem_write bytes are not whole hex bytes");
  const bytes = Buffer.from(args.bytes, "hex");
  const frame = parseHex(args.frame);
  const indices = chunks(args.offset, bytes.length).map((part, i) =>
    builder.emit({
      op: "mem_write",
      dom: args.dom,
      args: [frame, BigInt(part.offset), BigInt(part.length), ...bytesToWords(bytes.subarray(i * 32, i * 32 + part.length))],
      relocate: ["frame"],
    }),
  );
  return (results) => {
    for (const index of indices) {
      const raw = results.step(index);
      if (raw.rc !== 0) return { result: "EFAULT" };
    }
    return { result: "ok" };
  };
};

const memRead: StepTranslator = (step, builder) => {
  const args = argsOf<MemReadArgs, "dom" | "offset">(step, ["dom", "offset"]);
  const frame = parseHex(args.frame);
  const parts = chunks(args.offset, args.length);
  const indices = parts.map((part) =>
    builder.emit({ op: "mem_read", dom: args.dom, args: [frame, BigInt(part.offset), BigInt(part.length)], relocate: ["frame"], outputs: ["none", "none", "none", "none"] }),
  );
  return (results) => {
    const buffer = Buffer.alloc(args.length);
    for (const [i, index] of indices.entries()) {
      const raw = results.step(index);
      if (raw.rc !== 0) return { result: "EFAULT" };
      const words = Buffer.alloc(32);
      for (let w = 0; w < 4; w++) words.writeBigUInt64LE(output(raw, w), w * 8);
      words.copy(buffer, i * 32, 0, parts[i]?.length ?? 0);
    }
    return { result: "ok", returns: { bytes: buffer.toString("hex") } };
  };
};

/** The toolstack builds one more domain mid-case: Xen's answer at the first stage that fails. */
const createDomain: StepTranslator = (step, builder) => {
  const config = ("args" in step ? step.args : {}) as CreateDomainStep["args"];
  const domain = planDomain(config, true);
  const context = domain.vcpuContext ?? { cr0: 0n, cr3: 0n, cr4: 0n, efer: 0n };
  const index = builder.emit({
    op: "create_domain",
    dom: 0,
    args: [
      domainWord(domain),
      BigInt(domain.maxGrantFrames >>> 0) | (BigInt(domain.maxMaptrackFrames >>> 0) << 32n),
      BigInt(domain.grantOpts ?? 0),
      context.cr0,
      context.cr3,
      context.cr4,
      context.efer,
    ],
    outputs: ["none"],
  });
  builder.addDomain(domain);
  return (results) => {
    const outcome = outcomeOf(builder.env.spec, results.step(index));
    return outcome.result === "ok" ? { result: "ok", returns: { domid: domain.domid } } : outcome;
  };
};

/**
 * Not an operation of the spec: dom0 gives up on purpose (the kernel's fatal path, which crashes
 * dom0). Tests send it to show that a boot lost this way costs only the case in flight. The
 * core does not list it among its operations, so no case file reaches it.
 */
export const TEST_CRASH_DOM0 = "hvabi_test_crash_dom0";
const crashDom0: StepTranslator = (_step, builder) => {
  const index = builder.emit({ op: "crash_dom0", dom: 0, args: [] });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

export const xenTranslators: Record<string, StepTranslator> = {
  [TEST_CRASH_DOM0]: crashDom0,
  boot,
  physinfo,
  mem_write: memWrite,
  mem_read: memRead,
  create_domain: createDomain,
};
