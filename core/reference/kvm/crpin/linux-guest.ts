/**
 * The Linux guest kernel: what it decides at boot about paravirtual CR pinning,
 * kexec and crashkernel (cr-pinning-and-x86-facts 7, 8, 14, 15, 31; seed 003's
 * opt-in matrix), and the state it keeps while running.
 */
import type { LogEntry } from "../../../../spec/types/generated";
import type { KernelImage } from "../settings";
import { hasWord } from "./cmdline";
import type { CrpinRevision } from "./revision";

export type PvCrPinStatus = "not-built" | "not-requested" | "host-lacks-feature" | "enabled";

export interface PinningDecision {
  /** CONFIG_PARAVIRT_CR_PIN as Kconfig resolves it, in a kernel with the patches. */
  built: boolean;
  /** The kernel will ask KVM to pin (kvm_paravirt_cr_pinning_enabled). */
  requested: boolean;
  kexecLoadDisabled: boolean;
}

/** Kconfig: rfc-v1 depends on KVM_GUEST && !KEXEC; later revisions are selected by KVM_GUEST. */
export function pinningBuilt(revision: CrpinRevision, image: KernelImage): boolean {
  if (!image.crPinPatches) return false;
  const { KVM_GUEST, PARAVIRT_CR_PIN, KEXEC_CORE } = image.kconfig;
  return revision.choices.guest.kconfig === "depends-on-no-kexec" ? PARAVIRT_CR_PIN && KVM_GUEST && !KEXEC_CORE : KVM_GUEST;
}

/** The command line carries the revision's opt-in word. */
export function optedIn(revision: CrpinRevision, image: KernelImage): boolean {
  const word = revision.choices.guest.optInWord;
  return word !== null && hasWord(image.cmdline, word);
}

/** kvm_paravirt_cr_pinning_init(): with kexec built, only on opt-in, and then kexec is disabled (where the revision says so). */
export function pinningDecision(revision: CrpinRevision, image: KernelImage): PinningDecision {
  const built = pinningBuilt(revision, image);
  const requested = built && (!image.kconfig.KEXEC_CORE || optedIn(revision, image));
  const kexecLoadDisabled = requested && image.kconfig.KEXEC_CORE && revision.choices.guest.kexec === "disabled-on-opt-in";
  return { built, requested, kexecLoadDisabled };
}

/**
 * Images carrying the flag that says they keep pinned bits (seed 003's ELF addition): asked only
 * by the image-flag revisions, whose kernels with paravirtual pinning built carry it.
 */
export function carriesPinFlag(revision: CrpinRevision, image: KernelImage): boolean {
  return pinningBuilt(revision, image);
}

/** Whether the image's early code keeps the protection bits across kexec and early boot. */
export function pinSafe(revision: CrpinRevision, image: KernelImage): boolean {
  return revision.choices.guest.pinSafeKexec && pinningBuilt(revision, image);
}

export class LinuxGuest {
  running = false;
  pvCrPin: PvCrPinStatus;
  crashkernelReserved = false;
  nativePinning = false;
  nativeCr4PinnedBits = 0n;
  loaded: KernelImage | undefined;
  private readonly warned = new Set<string>();

  constructor(
    readonly image: KernelImage,
    readonly decision: PinningDecision,
  ) {
    this.pvCrPin = !decision.built ? "not-built" : decision.requested ? "enabled" : "not-requested";
  }

  get kexecLoadDisabled(): boolean {
    return this.decision.kexecLoadDisabled;
  }

  /** The VM was reset under the kernel. */
  halt(): void {
    this.running = false;
    this.loaded = undefined;
  }

  /** WARN_ONCE: the first time per boot for each call site. */
  warnOnce(print: (entry: LogEntry) => void, entry: LogEntry): void {
    if (this.warned.has(entry.msg)) return;
    this.warned.add(entry.msg);
    print(entry);
  }
}
