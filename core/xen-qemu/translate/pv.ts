/**
 * The x86 guest operations of a PV guest (smap, pte, cr4, ptshare areas), each as the guest
 * really performs it: mmu_update and mmuext_op hypercalls on its own page tables; memory
 * accesses, control-register moves, STAC/CLAC/POPF, WRPKRU and CPUID executed as instructions in
 * guest kernel or user mode (the test kernel's stubs, kernel/arch/stubs.inc). HVM guests are not
 * built yet: their steps are refused with that reason.
 */
import type {
  AcInstructionArgs,
  CpuidFeaturesArgs,
  MemAccessArgs,
  MmuUpdateArgs,
  MmuextOpArgs,
  ReadCrArgs,
  StoreU64Args,
  WriteCrArgs,
  WriteEferArgs,
  WrpkruArgs,
} from "../../../spec/types/generated";
import { parseHex } from "../../hex";
import type { RelocationKind } from "../wire";
import { type CaseBuilder, type StepTranslator, Unsupported, argsOf, hex, outcomeOf, output } from "./plan";

const MMUEXT: Record<MmuextOpArgs["cmd"], number> = {
  pin_l1_table: 0,
  pin_l2_table: 1,
  pin_l3_table: 2,
  pin_l4_table: 3,
  unpin_table: 4,
  new_baseptr: 5,
  new_user_baseptr: 15,
};
const ACCESS: Record<MemAccessArgs["access"], bigint> = { read: 0n, write: 1n, fetch: 2n };
const AC_INSTRUCTION: Record<AcInstructionArgs["insn"], bigint> = { stac: 0n, clac: 1n, popf: 2n };

interface CpuidFeature {
  name: string;
  leaf: number;
  subleaf: number;
  register: "eax" | "ebx" | "ecx" | "edx";
  bit: number;
}

/** Page-table hypercalls are a PV guest's: an HVM guest edits its tables with stores. */
export function requirePv(builder: CaseBuilder, domid: number, op: string): void {
  if (builder.typeOf(domid) === "hvm") throw new Unsupported(`issues ${op} from an HVM guest, a PV-only hypercall the test kernel's HVM executor does not make`);
}

/** The HVM executor lives in L4 slot 511 of the case's top-level table: a case must leave it alone. */
const KERNEL_TOP_SLOT = 511;

/** The vCPU of dom that runs a guest step, as the kernel step's field (none for vCPU 0). */
function onVcpu(builder: CaseBuilder, dom: number, vcpu: number | undefined): { vcpu?: number } {
  const id = builder.vcpuFor(dom, vcpu);
  return id === 0 ? {} : { vcpu: id };
}

const mmuUpdate: StepTranslator = (step, builder) => {
  const args = argsOf<MmuUpdateArgs, "dom" | "vcpu" | "cmd">(step, ["dom", "vcpu", "cmd"]);
  requirePv(builder, args.dom, "mmu_update");
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  const frame = parseHex(args.frame);
  const ptr = (frame << 12n) | BigInt(args.index * 8) | BigInt(args.cmd);
  const index = builder.emit({ op: "mmu_update", dom: args.dom, ...vcpu, args: [ptr, parseHex(args.value), 0n], relocate: ["maddr", "pte"] });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

const mmuextOp: StepTranslator = (step, builder) => {
  const args = argsOf<MmuextOpArgs, "dom" | "vcpu">(step, ["dom", "vcpu"]);
  requirePv(builder, args.dom, "mmuext_op");
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  const mfn = parseHex(args.mfn);
  // new_user_baseptr 0 removes the user table: 0 is no frame there, not the model's frame 0.
  const relocation: RelocationKind = args.cmd === "new_user_baseptr" && mfn === 0n ? "none" : "frame";
  const index = builder.emit({ op: "mmuext_op", dom: args.dom, ...vcpu, args: [BigInt(MMUEXT[args.cmd]), mfn, 0n], relocate: ["none", relocation] });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

const memAccess: StepTranslator = (step, builder) => {
  const args = argsOf<MemAccessArgs, "dom" | "vcpu" | "mode">(step, ["dom", "vcpu", "mode"]);
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  const ac = args.ac === undefined ? 2n : args.ac ? 1n : 0n;
  const index = builder.emit({
    op: "mem_access",
    dom: args.dom,
    ...vcpu,
    user: args.mode === "user",
    args: [parseHex(args.addr), ACCESS[args.access], ac],
    outputs: ["none", "none"],
  });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

/** CR3 holds a frame (xen_pfn_to_cr3; a 32-bit guest's rotation leaves frames below 2^20 as they are). */
const crRelocation = (cr: number): RelocationKind => (cr === 3 ? "maddr" : "none");

const readCr: StepTranslator = (step, builder) => {
  const args = argsOf<ReadCrArgs, "dom" | "vcpu" | "mode">(step, ["dom", "vcpu", "mode"]);
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  const index = builder.emit({ op: "read_cr", dom: args.dom, ...vcpu, user: args.mode === "user", args: [BigInt(args.cr)], outputs: [crRelocation(args.cr)] });
  return (results) => {
    const raw = results.step(index);
    const outcome = outcomeOf(builder.env.spec, raw);
    if (outcome.result !== "ok") return outcome;
    return { result: "ok", returns: { value: hex(crValue(args.cr, raw.outputs[0])) } };
  };
};

/**
 * A control register's value as the case model names it. CR3 of a guest still on the test
 * kernel's own page tables names no frame of the case: the model calls that "no base pointer",
 * which a PV guest reads as 0.
 */
export function crValue(cr: number, value: { value: bigint; known: boolean } | undefined): bigint {
  if (value === undefined) throw new Unsupported("the kernel printed no value");
  return cr === 3 && !value.known ? 0n : value.value;
}

const writeCr: StepTranslator = (step, builder) => {
  const args = argsOf<WriteCrArgs, "dom" | "vcpu" | "mode">(step, ["dom", "vcpu", "mode"]);
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  const index = builder.emit({
    op: "write_cr",
    dom: args.dom,
    ...vcpu,
    user: args.mode === "user",
    args: [BigInt(args.cr), parseHex(args.value)],
    relocate: ["none", crRelocation(args.cr)],
  });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

const cpuidFeatures: StepTranslator = (step, builder) => {
  const args = argsOf<CpuidFeaturesArgs, "dom" | "vcpu" | "subleaf">(step, ["dom", "vcpu", "subleaf"]);
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  const features = builder.env.spec
    .data<{ features: CpuidFeature[] }>("x86/cpuid.json")
    .features.filter((feature) => feature.leaf === args.leaf && feature.subleaf === args.subleaf);
  const index = builder.emit({ op: "cpuid", dom: args.dom, ...vcpu, args: [BigInt(args.leaf), BigInt(args.subleaf)], outputs: ["none", "none", "none", "none"] });
  const registers = ["eax", "ebx", "ecx", "edx"] as const;
  return (results) => {
    const raw = results.step(index);
    const outcome = outcomeOf(builder.env.spec, raw);
    if (outcome.result !== "ok") return outcome;
    const returns: Record<string, boolean> = {};
    for (const feature of features) {
      const register = output(raw, registers.indexOf(feature.register));
      returns[`feature.${feature.name}`] = ((register >> BigInt(feature.bit)) & 1n) === 1n;
    }
    return { result: "ok", returns };
  };
};

const acInstruction: StepTranslator = (step, builder) => {
  const args = argsOf<AcInstructionArgs, "dom" | "vcpu" | "mode">(step, ["dom", "vcpu", "mode"]);
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  const index = builder.emit({
    op: "ac_instruction",
    dom: args.dom,
    ...vcpu,
    user: args.mode === "user",
    args: [AC_INSTRUCTION[args.insn], args.ac ? 1n : 0n],
    outputs: ["none", "none"],
  });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

const wrpkru: StepTranslator = (step, builder) => {
  const args = argsOf<WrpkruArgs, "dom" | "vcpu" | "mode">(step, ["dom", "vcpu", "mode"]);
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  const index = builder.emit({ op: "wrpkru", dom: args.dom, ...vcpu, user: args.mode === "user", args: [parseHex(args.value)] });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

const storeU64: StepTranslator = (step, builder) => {
  const args = argsOf<StoreU64Args, "dom">(step, ["dom"]);
  if (builder.typeOf(args.dom) === "hvm" && args.index === KERNEL_TOP_SLOT) {
    throw new Unsupported("writes entry 511 of a frame, the L4 slot that keeps the test kernel mapped in an HVM guest");
  }
  const index = builder.emit({
    op: "store_u64",
    dom: args.dom,
    args: [parseHex(args.frame), BigInt(args.index), parseHex(args.value)],
    relocate: ["frame", "none", "pte"],
  });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

const EFER = 0xc0000080n;

const writeEfer: StepTranslator = (step, builder) => {
  const args = argsOf<WriteEferArgs, "dom" | "vcpu" | "mode">(step, ["dom", "vcpu", "mode"]);
  const vcpu = onVcpu(builder, args.dom, args.vcpu);
  if (builder.typeOf(args.dom) !== "hvm") throw new Unsupported("writes EFER from a PV guest, which the case model does not model");
  const index = builder.emit({ op: "write_msr", dom: args.dom, ...vcpu, user: args.mode === "user", args: [EFER, parseHex(args.value)] });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

export const pvTranslators: Record<string, StepTranslator> = {
  mmu_update: mmuUpdate,
  mmuext_op: mmuextOp,
  mem_access: memAccess,
  read_cr: readCr,
  write_cr: writeCr,
  cpuid_features: cpuidFeatures,
  ac_instruction: acInstruction,
  wrpkru,
  store_u64: storeU64,
  write_efer: writeEfer,
};
