/** Operations every Xen area relies on: booting, creating domains, guest memory. */
import type { CreateDomainStep, MemReadArgs, MemWriteArgs } from "../../../spec/types/generated";
import { parseHex } from "../../hex";
import { errno, ok, type Observation } from "../observe";
import type { StateReader, XenArea, XenMachine } from "./machine";

function createDomain(machine: XenMachine, args: CreateDomainStep["args"]): Observation {
  const created = machine.createDomain(args);
  return "errno" in created ? errno(created.errno) : ok({ domid: created.domid });
}

function memWrite(machine: XenMachine, args: MemWriteArgs): Observation {
  const domain = machine.caller(args.dom);
  const frame = parseHex(args.frame);
  const offset = args.offset ?? 0;
  const bytes = Buffer.from(args.bytes, "hex");
  if (!domain.owns(frame) || offset + bytes.length > machine.pageSize) return errno("EFAULT");
  domain.page(frame, machine.pageSize).set(bytes, offset);
  return ok();
}

function memRead(machine: XenMachine, args: MemReadArgs): Observation {
  const domain = machine.caller(args.dom);
  const frame = parseHex(args.frame);
  const offset = args.offset ?? 0;
  if (!domain.owns(frame) || offset + args.length > machine.pageSize) return errno("EFAULT");
  const bytes = domain.page(frame, machine.pageSize).subarray(offset, offset + args.length);
  return ok({ bytes: Buffer.from(bytes).toString("hex") });
}

/** State keys of spec/data/xen/observables.json. */
const stateReaders: Record<string, StateReader> = {
  "d{domid}.exists": (machine, { domid }) => machine.domains.has(Number(domid)),
  "d{domid}.type": (machine, { domid }) => machine.domains.get(Number(domid))?.type ?? null,
  "d{domid}.owns[{frame}]": (machine, { domid, frame }) => machine.domains.get(Number(domid))?.owns(parseHex(frame!)) ?? false,
};

export const platformArea: XenArea = {
  name: "xen-platform",
  customParams: {},
  initOptions: () => undefined,
  operations: {
    create_domain: createDomain,
    mem_write: memWrite,
    mem_read: memRead,
  },
  stateReaders,
};
