/** The x86 state of a domain: its vCPUs, the page types of its frames, and what the toolstack set up for it. */
import { FrameTypes } from "../pv/page-types";
import type { XenVcpu } from "./vcpu";

export class X86DomainState {
  readonly frames = new FrameTypes();
  /** Seed 000: the guest set CR4.SMAP itself. */
  smapAware = false;

  constructor(
    readonly vcpus: readonly XenVcpu[],
    /** CR4 bits its kernel controls beyond the fixed guest mask (a seed 002 allow-list), as accepted. */
    readonly cr4AllowList: readonly string[],
    /** CPUID features the allow-list adds to its offering. */
    readonly extraFeatures: readonly string[],
    /** Its kernel promised (by ELF note) never to share a top-level page table between vCPUs. */
    readonly noSharedTopLevel: boolean,
    /** d->arch.pv.xpti. */
    readonly xpti: boolean,
    /** d->arch.pv.pcid. */
    readonly pcid: boolean,
  ) {}
}

/**
 * A domain as far as its x86 state goes. The domain model holds this state, so
 * the state names only what it reads of a domain, not the domain model itself.
 */
export interface WithX86State {
  readonly domid: number;
  readonly x86?: X86DomainState;
}

export function x86State(domain: WithX86State): X86DomainState {
  if (domain.x86 === undefined) throw new Error(`d${domain.domid} has no x86 state`);
  return domain.x86;
}
