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
import type { RelocationKind } from "../wire";
import { type StepTranslator, argsOf, outcomeOf, output, statusName, type CaseBuilder, type Results } from "./plan";

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
