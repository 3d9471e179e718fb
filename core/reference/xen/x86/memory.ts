/**
 * Machine frames: which are RAM, who owns them, what MMIO a domain may map
 * (spec/data/xen/physical-memory.json), and 64-bit words inside them.
 */
import { parseHex } from "../../../hex";
import type { XenDomain } from "../domain";
import type { XenMachine } from "../machine";
import { physicalMemory } from "./abi";

export const PAGE_SIZE = 4096;
export const WORD_BYTES = 8;
export const WORDS_PER_PAGE = PAGE_SIZE / WORD_BYTES;

/** mfn_valid(): the frame is RAM. */
export const isRam = (machine: XenMachine, frame: bigint): boolean => frame < parseHex(physicalMemory(machine).ramFrames);

export function frameOwner(machine: XenMachine, frame: bigint): XenDomain | undefined {
  for (const domain of machine.domains.values()) if (domain.owns(frame)) return domain;
  return undefined;
}

/** iomem_access_permitted(): a domain with I/O resources may map the MMIO window. */
export function iomemPermitted(machine: XenMachine, domain: XenDomain, frame: bigint): boolean {
  if (!domain.ioResources) return false;
  const window = physicalMemory(machine).mmioWindow;
  const first = parseHex(window.first);
  return frame >= first && frame < first + BigInt(window.frames);
}

/** PADDR_MASK >> PAGE_SHIFT: the all-ones frame number, which get_page_from_l1e() treats as INVALID_MFN. */
export const allOnesFrame = (machine: XenMachine): bigint => (1n << BigInt(physicalMemory(machine).paddrBits - 12)) - 1n;

/** One view per page, made on first use: a page table is read a word at a time, 512 words a table. */
const views = new WeakMap<Uint8Array, DataView>();
let lastView: { page: Uint8Array; view: DataView } | undefined;

function view(domain: XenDomain, frame: bigint): DataView {
  const page = domain.page(frame, PAGE_SIZE);
  if (lastView?.page === page) return lastView.view;
  let found = views.get(page);
  if (found === undefined) {
    found = new DataView(page.buffer, page.byteOffset, page.byteLength);
    views.set(page, found);
  }
  lastView = { page, view: found };
  return found;
}

export function readWord(domain: XenDomain, frame: bigint, index: number): bigint {
  return view(domain, frame).getBigUint64(index * WORD_BYTES, true);
}

export function writeWord(domain: XenDomain, frame: bigint, index: number, value: bigint): void {
  view(domain, frame).setBigUint64(index * WORD_BYTES, value, true);
}
