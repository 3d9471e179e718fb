/**
 * Grant-table operations as real hypercalls (GNTTABOP_*, xen/include/public/grant_table.h),
 * and grant_write as the granting guest's own store into its shared entry.
 */
import type {
  CopyBuffer,
  GnttabCopyArgs,
  GnttabGetStatusFramesArgs,
  GnttabGetVersionArgs,
  GnttabMapArgs,
  GnttabSetVersionArgs,
  GnttabTransferArgs,
  GnttabUnmapArgs,
  GrantWriteArgs,
  StepObservation,
} from "../../../spec/types/generated";
import { parseHex } from "../../hex";
import { type RelocationKind, wire } from "../wire";
import type { StepInput } from "../../interface";
import { Ambiguous, type Decoder, type StepTranslator, DecodeError, Unsupported, argsOf, outcomeOf, output, statusName, type CaseBuilder, type Results } from "./plan";
import { xenTranslators } from "./xen";

const DOMID_SELF = 0x7ff0;
const GNTMAP: Record<NonNullable<GnttabMapArgs["flags"]>[number], number> = {
  device_map: 1 << 0,
  host_map: 1 << 1,
  readonly: 1 << 2,
  application_map: 1 << 3,
  contains_pte: 1 << 4,
};
const GNTCOPY_SOURCE_GREF = 1;
const GNTCOPY_DEST_GREF = 2;
const GTF = { types: { invalid: 0, permit_access: 1, accept_transfer: 2, transitive: 3 }, readonly: 1 << 2, subPage: 1 << 8 };

/** A hypercall with a per-operation status: errno when the call itself fails, else ok and the status. */
function withStatus(builder: CaseBuilder, index: number, returns?: (results: Results) => StepObservation["returns"]) {
  return (results: Results): StepObservation => {
    const raw = results.step(index);
    const outcome = outcomeOf(builder.env.spec, raw);
    if (outcome.result !== "ok") return outcome;
    const status = statusName(builder.env.spec, Number(BigInt.asIntN(64, output(raw, 0))));
    const extra = status === "GNTST_okay" ? returns?.(results) : undefined;
    return extra === undefined ? { result: "ok", status } : { result: "ok", status, returns: extra };
  };
}

const setVersion: StepTranslator = (step, builder) => {
  const args = argsOf<GnttabSetVersionArgs, "dom">(step, ["dom"]);
  const index = builder.emit({ op: "gnttab_set_version", dom: args.dom, args: [BigInt(args.version)], outputs: ["none"] });
  return (results) => {
    const raw = results.step(index);
    return { ...outcomeOf(builder.env.spec, raw), returns: { version: Number(output(raw, 0)) } };
  };
};

const getVersion: StepTranslator = (step, builder) => {
  const args = argsOf<GnttabGetVersionArgs, "dom">(step, ["dom"]);
  const index = builder.emit({ op: "gnttab_get_version", dom: args.dom, args: [BigInt(args.target)], outputs: ["none"] });
  return (results) => {
    const raw = results.step(index);
    const outcome = outcomeOf(builder.env.spec, raw);
    return outcome.result === "ok" ? { result: "ok", returns: { version: Number(output(raw, 0)) } } : outcome;
  };
};

const map: StepTranslator = (step, builder) => {
  const args = argsOf<GnttabMapArgs, "dom" | "flags">(step, ["dom", "flags"]);
  const flags = args.flags.reduce((bits, name) => bits | GNTMAP[name], 0);
  const index = builder.emit({
    op: "gnttab_map",
    dom: args.dom,
    args: [0n, BigInt(flags), BigInt(args.ref), BigInt(args.granter)],
    outputs: ["none", "none", "none"],
  });
  return withStatus(builder, index, (results) => ({ handle: Number(output(results.step(index), 1)) }));
};

const unmap: StepTranslator = (step, builder) => {
  const args = argsOf<GnttabUnmapArgs, "dom">(step, ["dom"]);
  const index = builder.emit({ op: "gnttab_unmap", dom: args.dom, args: [BigInt(args.handle), 0n, 0n], outputs: ["none"] });
  return withStatus(builder, index);
};

function copySide(side: CopyBuffer): { value: bigint; domid: bigint; gref: boolean; relocation: RelocationKind } {
  const domid = BigInt(side.domid === "self" ? DOMID_SELF : side.domid);
  if (side.ref !== undefined) return { value: BigInt(side.ref), domid, gref: true, relocation: "none" };
  // A frame of the caller: GNTTABOP_copy takes a gmfn, which for a PV guest is the machine frame.
  return { value: parseHex(side.frame ?? "0x0"), domid, gref: false, relocation: "frame" };
}

const copy: StepTranslator = (step, builder) => {
  const args = argsOf<GnttabCopyArgs, "dom">(step, ["dom"]);
  const source = copySide(args.source);
  const dest = copySide(args.dest);
  const flags = (source.gref ? GNTCOPY_SOURCE_GREF : 0) | (dest.gref ? GNTCOPY_DEST_GREF : 0);
  const index = builder.emit({
    op: "gnttab_copy",
    dom: args.dom,
    args: [source.value, source.domid, BigInt(args.source.offset ?? 0), dest.value, dest.domid, BigInt(args.dest.offset ?? 0), BigInt(args.len | (flags << 16))],
    relocate: [source.relocation, "none", "none", dest.relocation],
    outputs: ["none"],
  });
  return withStatus(builder, index);
};

const transfer: StepTranslator = (step, builder) => {
  const args = argsOf<GnttabTransferArgs, "dom">(step, ["dom"]);
  const index = builder.emit({
    op: "gnttab_transfer",
    dom: args.dom,
    args: [parseHex(args.frame), BigInt(args.target), BigInt(args.ref)],
    relocate: ["frame"],
    outputs: ["none"],
  });
  return withStatus(builder, index);
};

const getStatusFrames: StepTranslator = (step, builder) => {
  const args = argsOf<GnttabGetStatusFramesArgs, "dom" | "count">(step, ["dom", "count"]);
  const index = builder.emit({
    op: "gnttab_get_status_frames",
    dom: args.dom,
    args: [BigInt(args.target), BigInt(args.nrFrames), BigInt(args.count)],
    outputs: ["none"],
  });
  return withStatus(builder, index, () => ({ frames: args.nrFrames }));
};

const grantWrite: StepTranslator = (step, builder) => {
  const args = argsOf<GrantWriteArgs, "dom" | "readonly">(step, ["dom", "readonly"]);
  let flags = GTF.types[args.type] | (args.readonly ? GTF.readonly : 0);
  let subPage = 0n;
  if (args.subPage !== undefined) {
    flags |= GTF.subPage;
    subPage = BigInt((args.subPage.offset & 0xffff) | ((args.subPage.length & 0xffff) << 16));
  }
  const frame = args.frame === undefined ? 0n : parseHex(args.frame);
  const index = builder.emit({
    op: "grant_write",
    dom: args.dom,
    args: [
      BigInt(args.ref),
      BigInt(flags) | (BigInt(args.transDomid ?? 0) << 16n),
      BigInt(args.grantee ?? 0),
      frame,
      subPage | (BigInt(args.transRef ?? 0) << 32n),
      // A v1 entry keeps 32 bits of the frame: the model frame those bits name is relocated.
      frame & 0xffffffffn,
    ],
    relocate: ["none", "none", "none", "frame", "none", "frame"],
  });
  return (results) => outcomeOf(builder.env.spec, results.step(index));
};

/** The domains the transitive probe creates: far from the ids cases use. */
export const TRANSITIVE_PROBE_DOMIDS = { via: 0x7fe0, owner: 0x7fe1 } as const;
/** What acquire_grant_for_copy() prints (gdprintk: debug builds) when transitivity is off (xen/common/grant_table.c:2597-2599). */
const TRANSITIVITY_OFF = "transitive grant when transitivity not allowed";

/**
 * Whether Xen lets a grant copy follow a transitive grant (`gnttab=no-transitive` turns it off;
 * opt_transitive_grants is passed to acquire_grant_for_copy(), grant_table.c:2911-2919). No
 * hypercall reports the option, so the probe uses it, with two domains of its own: `owner`
 * grants a frame to `via` and another frame to dom0; `via` (grant table v2) grants dom0 a
 * transitive entry pointing at owner's first grant; dom0 copies through it into the second.
 * The copy succeeds exactly when transitivity is on. A refusal is read as "off" only where Xen
 * says why (a debug build's message); otherwise it could be a refusal for another reason.
 * The probe's domains and grants stay until the case's end tears every domain down.
 */
export function transitiveProbe(builder: CaseBuilder, key: string): (results: Results) => boolean {
  const { via, owner } = TRANSITIVE_PROBE_DOMIDS;
  if (builder.domainTypes.has(via) || builder.domainTypes.has(owner)) throw new Unsupported(`${key}: asked twice in one case`);
  const debug = builder.readsDebugBuild();
  const ownerFrame = (index: number): string => `0x${(BigInt(owner) * BigInt(wire().model.frameStride) + BigInt(index)).toString(16)}`;
  const step = (op: string, args: Record<string, unknown>): StepInput => ({ op, args }) as unknown as StepInput;
  const translate = (input: StepInput): Decoder<StepObservation> => {
    const translator = gnttabTranslators[input.op] ?? xenTranslators[input.op];
    if (translator === undefined) throw new Error(`no translator for ${input.op}`);
    return translator(input, builder);
  };
  const domain = (domid: number, maxGrantVersion: number) => ({ domid, type: "pv64", vcpus: 1, maxGrantVersion, elfNotes: [], cr4AllowList: [], vcpuContext: {} });
  const setUp: [string, Decoder<StepObservation>][] = [
    // 0xff: the highest version Xen offers (libxl's default); version 2 is then asked for below.
    ["creating the domain the grant goes through", translate(step("create_domain", domain(via, 0xff)))],
    ["creating the domain that owns the frames", translate(step("create_domain", domain(owner, 1)))],
    ["grant table version 2", translate(step("gnttab_set_version", { dom: via, version: 2 }))],
    ["the owner's grant", translate(step("grant_write", { dom: owner, ref: 8, type: "permit_access", grantee: via, frame: ownerFrame(0x10), readonly: true }))],
    ["the owner's grant to dom0", translate(step("grant_write", { dom: owner, ref: 9, type: "permit_access", grantee: 0, frame: ownerFrame(0x11), readonly: false }))],
    ["the transitive grant", translate(step("grant_write", { dom: via, ref: 8, type: "transitive", grantee: 0, transDomid: owner, transRef: 8, readonly: true }))],
  ];
  const first = builder.steps.length;
  const copied = translate(step("gnttab_copy", { dom: 0, source: { domid: via, ref: 8 }, dest: { domid: owner, ref: 9 }, len: 8 }));
  const last = builder.steps.length;
  for (let i = first; i < last; i++) builder.steps[i] = { ...builder.steps[i]!, log: true };
  return (results) => {
    for (const [what, decode] of setUp) {
      const outcome = decode(results);
      if (outcome.result !== "ok") {
        if (what === "grant table version 2") throw new Ambiguous(`${key}: Xen offers no grant table version 2 here, so no transitive grant can be made`);
        throw new DecodeError(`${key}: the transitivity probe failed at ${what}: ${JSON.stringify(outcome)}`);
      }
    }
    const outcome = copied(results);
    if (outcome.result === "ok" && outcome.status === "GNTST_okay") return true;
    const said = Array.from({ length: last - first }, (_, i) => results.log(first + i)).flat().some((line) => line.includes(TRANSITIVITY_OFF));
    if (outcome.status === "GNTST_general_error" && said) return false;
    if (outcome.status === "GNTST_general_error" && !debug) {
      throw new Ambiguous(`${key}: Xen refused the copy through a transitive grant, which means transitivity is off or another refusal; only a debug build says which`);
    }
    throw new DecodeError(`${key}: the copy through a transitive grant answered ${JSON.stringify(outcome)}`);
  };
}

export const gnttabTranslators: Record<string, StepTranslator> = {
  gnttab_set_version: setVersion,
  gnttab_get_version: getVersion,
  gnttab_map_grant_ref: map,
  gnttab_unmap_grant_ref: unmap,
  gnttab_copy: copy,
  gnttab_transfer: transfer,
  gnttab_get_status_frames: getStatusFrames,
  grant_write: grantWrite,
};
