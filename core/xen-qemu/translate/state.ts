/**
 * State keys (spec/data/**\/observables.json) as real Xen shows them to a guest or a toolstack.
 * Each reader emits the kernel steps that look, right after the step that asks, and decodes
 * their results. A key that neither a guest nor dom0 can observe on real Xen makes the case
 * unsupported, with the key in the reason; a key observed to be one of several values the
 * model tells apart but Xen does not report apart ends the case as "cannot judge" (Ambiguous).
 */
import type { Value } from "../../../spec/types/generated";
import { parseHex } from "../../hex";
import { hosts } from "../hosts";
import { wire } from "../wire";
import { crValue } from "./pv";
import { transitiveProbe } from "./gnttab";
import { Ambiguous, type CaseBuilder, type Results, type StateDecoder, DecodeError, Unsupported, hex, output } from "./plan";

export { Ambiguous } from "./plan";

const PFINFO_TYPE_SHIFT = 28n;
const PFINFO_PINNED = 1n << 31n;
const PFINFO_XTAB = 0xfn;
const GTF = { typeMask: 3n, reading: 1n << 3n, writing: 1n << 4n, transferCompleted: 1n << 3n };
const GRANT_TYPES = ["invalid", "permit_access", "accept_transfer", "transitive"] as const;

type Reader = (params: RegExpExecArray, builder: CaseBuilder, key: string) => StateDecoder;

const num = (text: string | undefined): number => Number(text);
const frameOf = (text: string | undefined): bigint => parseHex(text ?? "0x0");

/** XEN_DOMCTL_getpageframeinfo3 of one frame, run by dom0 (the toolstack). */
function pageInfo(builder: CaseBuilder, domid: number, frame: bigint): number {
  return builder.emit({ op: "page_info", dom: 0, args: [BigInt(domid), frame], relocate: ["none", "frame"], outputs: ["none"] });
}

function pageType(builder: CaseBuilder, domid: number, frame: bigint, key: string): StateDecoder {
  const index = pageInfo(builder, domid, frame);
  const pv32 = builder.domainTypes.get(domid) === "pv32";
  return (results) => {
    const raw = results.step(index);
    if (raw.rc !== 0) throw new DecodeError(`XEN_DOMCTL_getpageframeinfo3 returned ${raw.rc}`);
    const type = (output(raw, 0) >> PFINFO_TYPE_SHIFT) & 0x7n;
    const word = output(raw, 0) >> PFINFO_TYPE_SHIFT;
    if (word === PFINFO_XTAB) throw new DecodeError(`${key}: the frame is not the domain's`);
    switch (type) {
      case 1n:
        return "l1";
      case 2n:
        // A 32-bit guest's L2 in L3 slot 3 (PGT_pae_xen_l2) reports as a plain L2.
        if (pv32) throw new Ambiguous(`${key}: Xen reports an L2 table, which may be an l2 or an l2-xen (getpageframeinfo3 tells them apart no more)`);
        return "l2";
      case 3n:
        return "l3";
      case 4n:
        return "l4";
      default:
        throw new Ambiguous(`${key}: Xen reports no page-table type, which is 'none' or 'writable' (no hypercall tells them apart)`);
    }
  };
}

/** page->u.inuse.type_info (xen/arch/x86/include/asm/mm.h): type in bits 61-63, flags below, the count in bits 0-54. */
const TYPE_INFO = { typeShift: 61n, paeXenL2: 1n << 57n, countMask: (1n << 55n) - 1n };
const TYPE_INFO_NAMES: Readonly<Record<number, string>> = { 1: "l1", 2: "l2", 3: "l3", 4: "l4", 7: "writable" };

/**
 * A PV frame's type and type reference count, from the type_info Xen's debug build prints when
 * it refuses a reference of the wrong type (the kernel's type_info operation). The model's type
 * is "none" while the count is 0 (Xen keeps the last type then, to no effect).
 */
function typeInfo(builder: CaseBuilder, domid: number, frame: bigint, key: string): (results: Results) => { type: string; count: number } {
  const index = builder.emit({ op: "type_info", dom: 0, args: [BigInt(domid), frame], relocate: ["none", "frame"], outputs: ["none", "none"] });
  return (results) => {
    const raw = results.step(index);
    if (raw.rc === wire().results.unsupported) throw new DecodeError(`${key}: Xen printed no type_info for the frame (a debug build does)`);
    if (raw.rc !== 0) throw new DecodeError(`${key}: reading the frame's type_info failed (${raw.rc})`);
    const info = output(raw, 0);
    const count = (info & TYPE_INFO.countMask) - (output(raw, 1) === 1n ? 1n : 0n);
    if (count < 0n) throw new DecodeError(`${key}: type_info ${hex(info)} counts fewer references than the kernel held`);
    if (count === 0n) return { type: "none", count: 0 };
    const bits = Number(info >> TYPE_INFO.typeShift);
    const name = bits === 2 && (info & TYPE_INFO.paeXenL2) !== 0n ? "l2-xen" : TYPE_INFO_NAMES[bits];
    if (name === undefined) throw new DecodeError(`${key}: type_info ${hex(info)} has type ${bits} (a descriptor table or shared page), which the spec does not name`);
    return { type: name, count: Number(count) };
  };
}

const isPv = (builder: CaseBuilder, domid: number): boolean => builder.domainTypes.get(domid) !== "hvm";

function grantRead(builder: CaseBuilder, domid: number, ref: number): number {
  return builder.emit({ op: "grant_read", dom: domid, args: [BigInt(ref)], outputs: ["none", "none", "frame", "none"] });
}

/** The reading/writing bits: in the entry under v1, in the status frame under v2. */
function grantAccess(results: Parameters<StateDecoder>[0], index: number): { flags: bigint; version: bigint; access: bigint } {
  const raw = results.step(index);
  if (raw.rc !== 0) throw new DecodeError(`reading the grant entry failed with ${raw.rc}`);
  const word = output(raw, 0);
  const version = word >> 16n;
  const flags = word & 0xffffn;
  return { flags, version, access: version === 2n ? output(raw, 3) : flags };
}

interface LayoutField {
  name: string;
  low: number;
  high?: number;
}

/** A CR4 field's bit (spec/data/x86/layouts.json). */
function cr4Bit(builder: CaseBuilder, name: string): bigint {
  const layouts = builder.env.spec.data<{ layouts: Record<string, { fields: LayoutField[] }> }>("x86/layouts.json").layouts;
  const field = layouts.cr4?.fields.find((f) => f.name === name && f.high === undefined);
  if (field === undefined) throw new Unsupported(`names CR4 field ${name}, which spec/data/x86/layouts.json does not have as one bit`);
  return 1n << BigInt(field.low);
}

/**
 * CR4 as Xen ran with it on dom0's behalf: the "cr4:" of its register dump (debug key 'd',
 * asked for through XEN_SYSCTL_debug_keys, so the dump is of dom0's hypercall context). For a
 * 64-bit PV dom0 that is pv_make_cr4() (xen/arch/x86/pv/domain.c): Xen's own CR4
 * (mmu_cr4_features) except PCIDE, PGE, TSD and PKE, which it sets per domain, and FSGSBASE,
 * which follows the guest.
 */
function dom0Cr4(results: Parameters<StateDecoder>[0]): bigint {
  for (const line of results.boot.registerDump) {
    const match = /\bcr4: ([0-9a-f]{16})/.exec(line);
    if (match) return BigInt(`0x${match[1]}`);
  }
  throw new DecodeError("Xen's register dump has no cr4");
}

/** The CR4 bits pv_make_cr4() sets per domain or per guest: the dump does not show Xen's own value of them. */
const PER_DOMAIN_CR4 = ["PCIDE", "PGE", "TSD", "PKE", "FSGSBASE"];

/**
 * A per-vCPU key the guest reads on that vCPU itself (the kernel step runs there). A vCPU the
 * domain does not have reads null, as in the model, and nothing runs.
 */
function onVcpu(builder: CaseBuilder, domid: number, vcpu: number, read: (on: { vcpu?: number }) => StateDecoder): StateDecoder {
  if (vcpu >= builder.vcpusOf(domid)) return () => null;
  return read(vcpu === 0 ? {} : { vcpu });
}

function usesRegisters(builder: CaseBuilder): void {
  builder.probes.add("registers");
}

const readers: [RegExp, Reader][] = [
  [
    /^d(\d+)\.entry\[(0x[0-9a-fA-F]+)\]\[(\d+)\]$/,
    (p, b) => {
      const index = b.emit({ op: "read_u64", dom: num(p[1]), args: [frameOf(p[2]), BigInt(num(p[3]))], relocate: ["frame"], outputs: ["pte"] });
      return (results) => hex(output(results.step(index), 0));
    },
  ],
  [
    /^d(\d+)\.frame\[(0x[0-9a-fA-F]+)\]\.type$/,
    (p, b, key) => {
      // getpageframeinfo3 tells no untyped frame from a writable one, nor (32-bit) an l2 from an l2-xen; the debug build's type_info does.
      if (!isPv(b, num(p[1])) || !b.readsDebugBuild()) return pageType(b, num(p[1]), frameOf(p[2]), key);
      const read = typeInfo(b, num(p[1]), frameOf(p[2]), key);
      return (results) => read(results).type;
    },
  ],
  [
    /^d(\d+)\.frame\[(0x[0-9a-fA-F]+)\]\.typeCount$/,
    (p, b, key) => {
      if (!isPv(b, num(p[1]))) throw new Unsupported(`needs state ${generalise(key)} of an HVM guest's frame, which has no PV type`);
      b.requireDebugBuild("no hypercall shows a frame's type reference count; a debug build prints it when it refuses a reference");
      const read = typeInfo(b, num(p[1]), frameOf(p[2]), key);
      return (results) => read(results).count;
    },
  ],
  [
    /^d(\d+)\.frame\[(0x[0-9a-fA-F]+)\]\.pinned$/,
    (p, b) => {
      const index = pageInfo(b, num(p[1]), frameOf(p[2]));
      return (results) => (output(results.step(index), 0) & PFINFO_PINNED) !== 0n;
    },
  ],
  [
    /^d(\d+)\.owns\[(0x[0-9a-fA-F]+)\]$/,
    (p, b) => {
      const index = pageInfo(b, num(p[1]), frameOf(p[2]));
      // A domain that does not exist owns nothing: the domctl fails (ESRCH).
      return (results) => {
        const raw = results.step(index);
        return raw.rc === 0 && output(raw, 0) >> PFINFO_TYPE_SHIFT !== PFINFO_XTAB;
      };
    },
  ],
  [
    /^d(\d+)\.exists$/,
    (p, b) => {
      const index = b.emit({ op: "domain_info", dom: 0, args: [BigInt(num(p[1]))], outputs: ["none", "none"] });
      return (results) => output(results.step(index), 0) === 1n;
    },
  ],
  [
    /^d(\d+)\.gnttab\.version$/,
    (p, b) => {
      const index = b.emit({ op: "gnttab_get_version", dom: 0, args: [BigInt(num(p[1]))], outputs: ["none"] });
      return (results) => {
        const raw = results.step(index);
        return raw.rc === 0 ? Number(output(raw, 0)) : null;
      };
    },
  ],
  [
    /^d(\d+)\.grant\[(\d+)\]\.(type|grantee|frame|reading|writing|transferCompleted|pinned)$/,
    (p, builder) => {
      const index = grantRead(builder, num(p[1]), num(p[2]));
      const field = p[3];
      return (results): Value => {
        const raw = results.step(index);
        // An entry beyond the frames the table has now does not exist for the guest (the kernel
        // answers EINVAL without growing the table): absent, as the model reads it.
        if (raw.rc === -(builder.env.spec.errno.EINVAL ?? 22)) return null;
        const { flags, access } = grantAccess(results, index);
        const type = GRANT_TYPES[Number(flags & GTF.typeMask)] ?? "invalid";
        switch (field) {
          case "type":
            return type;
          case "grantee":
            return Number(output(raw, 1));
          case "frame":
            return hex(output(raw, 2));
          case "reading":
            return type !== "accept_transfer" && (access & GTF.reading) !== 0n;
          case "writing":
            return type !== "accept_transfer" && (access & GTF.writing) !== 0n;
          case "transferCompleted":
            return type === "accept_transfer" && (flags & GTF.transferCompleted) !== 0n;
          default:
            // pinned: Xen sets GTF_reading on the first pin of an entry and clears it with the
            // last (grant_table.c, _set_status and reduce_status_for_pin): it is the pin, as the
            // granter sees it.
            return type !== "accept_transfer" && (access & GTF.reading) !== 0n;
        }
      };
    },
  ],
  [
    /^d(\d+)\.vcpu\[(\d+)\]\.(cr0|cr2|cr3|cr4)$/,
    (p, b) =>
      onVcpu(b, num(p[1]), num(p[2]), (on) => {
        const cr = Number((p[3] ?? "cr0").slice(2));
        const index = b.emit({ op: "read_cr", dom: num(p[1]), ...on, args: [BigInt(cr)], outputs: [cr === 3 ? "maddr" : "none"] });
        return (results) => {
          const raw = results.step(index);
          if (raw.rc !== 0) throw new DecodeError(`reading CR${cr} failed with ${raw.rc}`);
          return hex(crValue(cr, raw.outputs[0]));
        };
      }),
  ],
  [
    /^d(\d+)\.vcpu\[(\d+)\]\.efer$/,
    (p, b) =>
      onVcpu(b, num(p[1]), num(p[2]), (on) => {
        const index = b.emit({ op: "read_msr", dom: num(p[1]), ...on, args: [0xc0000080n], outputs: ["none"] });
        return (results) => {
          const raw = results.step(index);
          if (raw.rc !== 0) throw new DecodeError(`reading EFER failed with ${raw.rc}`);
          return hex(output(raw, 0));
        };
      }),
  ],
  [
    /^d(\d+)\.vcpu\[(\d+)\]\.baseptr$/,
    (p, b) =>
      onVcpu(b, num(p[1]), num(p[2]), (on) => {
        const index = b.emit({ op: "read_cr", dom: num(p[1]), ...on, args: [3n], outputs: ["maddr"] });
        return (results) => {
          const raw = results.step(index);
          const value = raw.outputs[0];
          if (raw.rc !== 0 || value === undefined) throw new DecodeError(`reading CR3 failed with ${raw.rc}`);
          // The test kernel's own table stands for "no base pointer" (see crValue).
          return value.known ? hex(value.value >> 12n) : null;
        };
      }),
  ],
  [
    // The user-mode base pointer of a 64-bit PV vCPU: ctrlreg[1] of XEN_DOMCTL_getvcpucontext
    // (xen/arch/x86/domctl.c arch_get_info_guest()); the test kernel's own table stands for none.
    /^d(\d+)\.vcpu\[(\d+)\]\.userBaseptr$/,
    (p, b, key) => {
      const domid = num(p[1]);
      if (b.domainTypes.get(domid) !== "pv64") throw new Unsupported(`needs state ${generalise(key)} of a domain that is not a 64-bit PV guest`);
      const index = b.emit({ op: "vcpu_ctrlreg", dom: 0, args: [BigInt(domid), BigInt(num(p[2])), 1n], outputs: ["maddr"] });
      return (results) => {
        const raw = results.step(index);
        // A vCPU the domain does not have reads null, as in the model (ESRCH).
        if (raw.rc === -3) return null;
        const value = raw.outputs[0];
        if (raw.rc !== 0 || value === undefined) throw new DecodeError(`XEN_DOMCTL_getvcpucontext returned ${raw.rc}`);
        return value.known && value.value !== 0n ? hex(value.value >> 12n) : null;
      };
    },
  ],
  [
    /^d(\d+)\.vcpu\[(\d+)\]\.(ac|mode)$/,
    (p, b) =>
      onVcpu(b, num(p[1]), num(p[2]), (on) => {
        const index = b.emit({ op: "read_ac", dom: num(p[1]), ...on, args: [], outputs: ["none", "none"] });
        const field = p[3];
        return (results) => {
          const raw = results.step(index);
          return field === "ac" ? output(raw, 0) === 1n : output(raw, 1) === 1n ? "user" : "kernel";
        };
      }),
  ],
  [/^xen\.gnttab\.transitive$/, (_p, b, key) => transitiveProbe(b, key)],
  [
    // gnttab_transfer() answers -EOPNOTSUPP before looking at its entries when transfers are off
    // (xen/common/grant_table.c:2243-2244), so a transfer of no entries asks only that.
    /^xen\.gnttab\.transfer$/,
    (_p, b) => {
      const index = b.emit({ op: "gnttab_transfer", dom: 0, args: [0n, 0n, 0n, 1n], outputs: ["none"] });
      return (results) => {
        const rc = results.step(index).rc;
        if (rc === 0) return true;
        if (rc === -95) return false;
        throw new DecodeError(`a transfer of no grant entries returned ${rc}, neither 0 nor -EOPNOTSUPP`);
      };
    },
  ],
  [
    /^xen\.gnttab\.maxVersion$/,
    (_p, b) => {
      b.probes.add("gnttab");
      return (results) => {
        const value = results.boot.probes.get("gnttab.maxVersion");
        if (value === undefined) throw new DecodeError("dom0 did not report gnttab.maxVersion");
        return Number(value);
      };
    },
  ],
  [/^xen\.capabilities$/, () => (results) => [...results.boot.capabilities]],
  [
    /^xen\.cr4\.([A-Z0-9_]+)$/,
    (p, builder, key) => {
      const name = p[1] ?? "";
      if (PER_DOMAIN_CR4.includes(name)) throw new Unsupported(`needs state ${key}: Xen sets CR4.${name} per domain, so no context a guest can reach shows Xen's own value`);
      const bit = cr4Bit(builder, name);
      usesRegisters(builder);
      return (results) => (dom0Cr4(results) & bit) !== 0n;
    },
  ],
  [
    /^d0\.vcpu\[0\]\.hwCr4\.kernel\.([A-Z0-9_]+)$/,
    (p, builder) => {
      const bit = cr4Bit(builder, p[1] ?? "");
      usesRegisters(builder);
      return (results) => (dom0Cr4(results) & bit) !== 0n;
    },
  ],
  [
    // X86_FEATURE_XEN_SMAP/SMEP: Xen keeps CR4.SMAP/SMEP set in its own context exactly when it uses them.
    /^xen\.(usesSmap|usesSmep|mce)$/,
    (p, builder) => {
      const bit = cr4Bit(builder, p[1] === "usesSmap" ? "SMAP" : p[1] === "usesSmep" ? "SMEP" : "MCE");
      usesRegisters(builder);
      return (results) => (dom0Cr4(results) & bit) !== 0n;
    },
  ],
  [
    // smap=/smep= (xen/arch/x86/setup.c): on, Xen uses it (CR4 bit set); hvm, Xen does not but
    // keeps the feature for HVM guests (the HVM max featureset has it); off, neither.
    /^xen\.(smap|smep)$/,
    (p, builder) => {
      const name = p[1] ?? "smap";
      const bit = cr4Bit(builder, name.toUpperCase());
      const feature = builder.env.spec.data<{ features: { name: string; leaf: number; subleaf: number; register: string; bit: number }[] }>("x86/cpuid.json").features.find((f) => f.name === name);
      if (feature?.leaf !== 7 || feature.register !== "ebx") throw new Unsupported(`cannot find ${name} in CPUID leaf 7`);
      usesRegisters(builder);
      const has = (results: Parameters<StateDecoder>[0], set: string): boolean =>
        // featureset word 5 is CPUID 7.0 EBX (xen/include/public/arch-x86/cpufeatureset.h)
        (((Number.parseInt((results.boot.probes.get(`featureset.${set}`) ?? "").split(",")[5] ?? "0", 16) || 0) >>> feature.bit) & 1) === 1;
      return (results) => {
        // Without the CPU feature, every setting looks the same: Xen can neither use nor offer it.
        if (!has(results, "raw")) throw new Ambiguous(`xen.${name}: the CPU has no ${name.toUpperCase()}, so no setting shows`);
        if ((dom0Cr4(results) & bit) !== 0n) return "on";
        return has(results, "hvm_max") ? "hvm" : "off";
      };
    },
  ],
  [
    // CR4.CET is set when Xen uses shadow stacks or IBT; clear, it uses neither. Set, the dump
    // does not say which (MSR_S_CET is not in it).
    /^xen\.(shstk|ibt)$/,
    (_p, builder, key) => {
      const bit = cr4Bit(builder, "CET");
      usesRegisters(builder);
      return (results) => {
        if ((dom0Cr4(results) & bit) === 0n) return false;
        throw new Ambiguous(`${key}: Xen runs with CR4.CET, which shadow stacks and IBT both set`);
      };
    },
  ],
  [
    /^xen\.fred$/,
    (_p, builder) => {
      const bit = cr4Bit(builder, "FRED");
      usesRegisters(builder);
      return (results) => (dom0Cr4(results) & bit) !== 0n;
    },
  ],
  [
    // pv_make_cr4(): a PV domain without PCID or XPTI runs with CR4.PGE exactly when global pages are on.
    /^xen\.globalPages$/,
    (_p, builder, key) => {
      const bit = cr4Bit(builder, "PGE");
      const pcide = cr4Bit(builder, "PCIDE");
      usesRegisters(builder);
      return (results) => {
        const xpti = results.boot.bootLog.map((l) => /XPTI \(64-bit PV only\): Dom0 (\w+)/.exec(l)).find((m) => m !== null);
        const cr4 = dom0Cr4(results);
        if (xpti?.[1] !== "disabled" || (cr4 & pcide) !== 0n) throw new Ambiguous(`${key}: dom0 runs with XPTI or PCID, so its CR4.PGE does not show the setting`);
        return (cr4 & bit) !== 0n;
      };
    },
  ],
  [
    /^xen\.pv32$/,
    (_p, builder) => {
      builder.probes.add("pv32");
      return (results) => {
        const value = results.boot.probes.get("pv32");
        if (value === undefined || value === "-1") throw new DecodeError("dom0 could not probe 32-bit PV");
        return value === "1";
      };
    },
  ],
  [
    // A domain's XPTI is Xen's setting for its kind, copied when it is created
    // (xen/arch/x86/pv/domain.c:386 pv_domain_initialise(): is_hardware_domain(d) ? opt_xpti_hwdom
    // : opt_xpti_domu), and off for a 32-bit PV domain (:260 switch_compat()). The settings are
    // the ones Xen prints at boot (spec_ctrl.c print_details()).
    /^d(\d+)\.xpti$/,
    (p, b, key) => {
      const domid = num(p[1]);
      const type = b.domainTypes.get(domid);
      if (type === undefined) throw new Unsupported(`needs state ${generalise(key)} of a domain the case does not create`);
      if (type === "hvm") throw new Unsupported(`needs state ${generalise(key)} of an HVM guest, which has no XPTI`);
      return (results) => {
        if (type === "pv32") return false;
        const line = results.boot.bootLog.map((l) => /XPTI \(64-bit PV only\): Dom0 (\w+), DomU (\w+)/.exec(l)).find((m) => m !== null);
        if (!line) throw new DecodeError("Xen's boot log has no XPTI line");
        return (domid === 0 ? line[1] : line[2]) === "enabled";
      };
    },
  ],
  [
    // Xen keeps a directmap when the slot it starts in is filled in the L4s it validates
    // (init_xen_l4_slots(), xen/arch/x86/mm.c:1644-1719): dom0's own L4 shows it.
    /^xen\.directmap$/,
    (_p, b) => {
      const index = b.emit({ op: "own_top_entry", dom: 0, args: [BigInt(hosts().xenLayout.directmapL4Slot)], outputs: ["none"] });
      return (results) => (output(results.step(index), 0) & 1n) === 1n;
    },
  ],
  [
    // A validated 64-bit PV L4 (getpageframeinfo3 reports it) whose directmap slot Xen filled.
    /^d(\d+)\.frame\[(0x[0-9a-fA-F]+)\]\.directmap$/,
    (p, b, key) => {
      const domid = num(p[1]);
      if (b.domainTypes.get(domid) === "hvm") throw new Unsupported(`needs state ${generalise(key)} of an HVM guest's frame, which Xen does not validate`);
      const info = pageInfo(b, domid, frameOf(p[2]));
      const entry = b.emit({ op: "read_u64", dom: domid, args: [frameOf(p[2]), BigInt(hosts().xenLayout.directmapL4Slot)], relocate: ["frame"], outputs: ["none"] });
      return (results) => {
        const raw = results.step(info);
        if (raw.rc !== 0) throw new DecodeError(`XEN_DOMCTL_getpageframeinfo3 returned ${raw.rc}`);
        const l4 = ((output(raw, 0) >> PFINFO_TYPE_SHIFT) & 0x7n) === 4n;
        return l4 && (output(results.step(entry), 0) & 1n) === 1n;
      };
    },
  ],
  [
    // spec_ctrl.c print_details(): "XPTI (64-bit PV only): Dom0 enabled, DomU disabled (…)".
    /^xen\.xpti\.(dom0|domu)$/,
    (p) => (results) => {
      const line = results.boot.bootLog.map((l) => /XPTI \(64-bit PV only\): Dom0 (\w+), DomU (\w+)/.exec(l)).find((m) => m !== null);
      if (!line) throw new DecodeError("Xen's boot log has no XPTI line");
      return (p[1] === "dom0" ? line[1] : line[2]) === "enabled";
    },
  ],
];

/**
 * The reader for a state key, which emits its kernel steps now; Unsupported when none exists.
 * A key of a domain that does not exist when it is read (its creation failed) reads null.
 */
export function readState(key: string, builder: CaseBuilder): StateDecoder {
  for (const [pattern, reader] of readers) {
    const match = pattern.exec(key);
    if (!match) continue;
    const first = builder.steps.length;
    const decode = reader(match, builder, key);
    const last = builder.steps.length;
    return (results) => {
      for (let i = first; i < last; i++) if (results.step(i).rc === wire().results.noDomain) return null;
      return decode(results);
    };
  }
  throw new Unsupported(`needs state ${generalise(key)}, which real Xen does not show a guest or dom0 (or the real-Xen core does not read yet)`);
}

/** d1.frame[0x10013].typeCount -> d{n}.frame[…].typeCount: one skip reason for every instance. */
export function generalise(key: string): string {
  return key.replace(/^d\d+\./, "d{n}.").replace(/\[[^\]]*\]/g, "[…]");
}
