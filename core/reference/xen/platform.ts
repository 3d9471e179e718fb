/** Operations every Xen area relies on: booting, creating domains, guest memory. */
import type { CreateDomainStep, MemReadArgs, MemWriteArgs } from "../../../spec/types/generated";
import { parseHex } from "../../hex";
import { errno, found, ok, type Observation, type StateRead } from "../observe";
import type { XenArea, XenMachine } from "./machine";

const PAGE_SIZE = 4096;

function createDomain(machine: XenMachine, args: CreateDomainStep["args"]): Observation {
  const created = machine.createDomain(args);
  return "errno" in created ? errno(created.errno) : ok({ domid: created.domid });
}

function memWrite(machine: XenMachine, args: MemWriteArgs): Observation {
  const domain = machine.caller(args.dom);
  const frame = parseHex(args.frame);
  const offset = args.offset ?? 0;
  const bytes = Buffer.from(args.bytes, "hex");
  if (!domain.owns(frame) || offset + bytes.length > PAGE_SIZE) return errno("EFAULT");
  domain.page(frame, PAGE_SIZE).set(bytes, offset);
  return ok();
}

function memRead(machine: XenMachine, args: MemReadArgs): Observation {
  const domain = machine.caller(args.dom);
  const frame = parseHex(args.frame);
  const offset = args.offset ?? 0;
  if (!domain.owns(frame) || offset + args.length > PAGE_SIZE) return errno("EFAULT");
  const bytes = domain.page(frame, PAGE_SIZE).subarray(offset, offset + args.length);
  return ok({ bytes: Buffer.from(bytes).toString("hex") });
}

const DOMAIN_KEY = /^d([0-9]+)\.(exists|type)$/;
const OWNS_KEY = /^d([0-9]+)\.owns\[(0x[0-9a-fA-F]+)\]$/;

function readState(machine: XenMachine, key: string): StateRead {
  const domainKey = DOMAIN_KEY.exec(key);
  if (domainKey) {
    const domain = machine.domains.get(Number(domainKey[1]));
    return found(domainKey[2] === "exists" ? domain !== undefined : (domain?.type ?? null));
  }
  const owns = OWNS_KEY.exec(key);
  if (owns) return found(machine.domains.get(Number(owns[1]))?.owns(parseHex(owns[2] ?? "0x0")) ?? false);
  return undefined;
}

export const platformArea: XenArea = {
  name: "xen",
  customParams: {},
  initOptions: () => undefined,
  operations: {
    create_domain: createDomain,
    mem_write: memWrite,
    mem_read: memRead,
  },
  readState,
};
