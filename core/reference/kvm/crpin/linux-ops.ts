/** The crpin area's guest-kernel operations: boot, CPU onlining, the kernel's CR-write helpers, kexec. */
import type { GuestKexecLoadArgs, GuestOnlineCpuArgs, GuestWriteCrArgs } from "../../../../spec/types/generated";
import { parseHex } from "../../../hex";
import { CaseModelError } from "../../model-error";
import { errno, ok, type Observation } from "../../observe";
import { initVcpu } from "../host";
import { movToCr } from "../instructions";
import type { KvmMachine } from "../machine";
import { readMsr, writeMsr } from "../msrs";
import type { KernelImage } from "../settings";
import type { PinnedRegister, Vcpu } from "../vcpu";
import { runSequence, type PinSafety, type SequenceFault } from "./boot-sequence";
import { crashkernelSize } from "./cmdline";
import { linuxGuestData } from "./linux-data";
import { crpinState } from "./machine-state";
import { carriesPinFlag, LinuxGuest, optedIn, pinningDecision, pinSafe } from "./linux-guest";
import { aliasOf, type CrpinRevision } from "./revision";

const faulted = (where: SequenceFault): Observation => ({
  result: "fault",
  fault: { vector: "#GP", errorCode: "0x0" },
  returns: { stage: where.stage, target: where.target, vcpu: where.vcpu },
});

function runningGuest(machine: KvmMachine): LinuxGuest {
  const guest = crpinState(machine).guest;
  if (guest === undefined || !guest.running) throw new CaseModelError("no guest kernel is running: boot one with guest_boot first");
  return guest;
}

/** kvm_setup_paravirt_cr_pinning() on one vCPU: read ALLOWED, write request & allowed to the pin MSR. */
function setUpPvPinning(machine: KvmMachine, guest: LinuxGuest, vcpu: Vcpu): void {
  if (!guest.decision.requested) return;
  if (!machine.settings.vmm.exposeCrPin) {
    guest.pvCrPin = "host-lacks-feature";
    return;
  }
  const revision = crpinState(machine).revision;
  const requests: Record<PinnedRegister, bigint> = { cr0: linuxGuestData(machine.spec).pvCr0Request, cr4: guest.nativeCr4PinnedBits };
  for (const register of ["cr0", "cr4"] as const) {
    // Every revision defines both MSRs for both registers, and lets the guest read ALLOWED.
    const allowedMsr = revision.byName(aliasOf({ register, role: "allowed" }))!;
    const pinMsr = revision.byName(aliasOf({ register, role: "pin" }))!;
    const allowed = readMsr(machine, vcpu, allowedMsr.number, "guest") as { ok: true; value: bigint };
    // Every revision accepts request & allowed from a guest whose boot writes met the pins in force
    // (a pin the boot writes could not meet has already faulted the boot).
    writeMsr(machine, vcpu, pinMsr.number, requests[register] & allowed.value, "guest");
  }
}

/** Native pinning setup (setup_cr_pinning) and crashkernel reservation, once the boot CPU's sequence has run. */
function setUpBootCpu(machine: KvmMachine, guest: LinuxGuest, revision: CrpinRevision, bsp: Vcpu): void {
  const data = linuxGuestData(machine.spec);
  const image = guest.image;
  if (image.kconfig.KEXEC_CORE && crashkernelSize(image.cmdline, data.crashkernelParam) > 0n) {
    const ignored = image.crPinPatches && revision.choices.guest.crashkernelIgnoredWithOptIn && optedIn(revision, image);
    if (ignored) machine.print({ msg: "linux-crashkernel-ignored-pv-cr-pin" });
    guest.crashkernelReserved = !ignored;
  }
  if (image.nativePinning !== "none") {
    guest.nativePinning = true;
    guest.nativeCr4PinnedBits = bsp.cr4 & data.native[image.nativePinning].cr4Mask;
  }
  setUpPvPinning(machine, guest, bsp);
}

/** INIT, SIPI, the AP sequence, then the AP's pinning setup. */
function bringUp(machine: KvmMachine, guest: LinuxGuest, revision: CrpinRevision, id: number): SequenceFault | undefined {
  const vcpu = machine.runnable(id);
  if (vcpu.guestMode || vcpu.smm) throw new CaseModelError(`vCPU ${id} runs L2 or is in SMM; bringing it up is not modelled`);
  initVcpu(machine, vcpu);
  // INIT leaves CR4 at 0, so a pin-safe AP finds no protection bits to keep, and no kexec stage runs.
  const fault = runSequence(machine, vcpu, linuxGuestData(machine.spec).sequences.ap, { booting: false, previous: false });
  if (fault !== undefined) return fault;
  setUpPvPinning(machine, guest, vcpu);
  return undefined;
}

/** A power-on boot, or (with the kernel handing over) a kexec. */
function bootKernel(machine: KvmMachine, image: KernelImage, previous?: KernelImage): Observation {
  const revision = crpinState(machine).revision;
  if (image.crPinPatches && image.nativePinning === "none") {
    throw new CaseModelError("the CR-pinning guest patches hook native pinning's setup_cr_pinning() (Linux 5.3 and later); nativePinning cannot be none");
  }
  const guest = new LinuxGuest(image, pinningDecision(revision, image));
  crpinState(machine).guest = guest;
  const bsp = machine.runnable(0);
  if (previous === undefined) {
    for (const vcpu of machine.vcpus) machine.runnable(vcpu.id).loadResetState();
  }
  const safety: PinSafety = { booting: pinSafe(revision, image), previous: previous !== undefined && pinSafe(revision, previous) };
  const sequences = linuxGuestData(machine.spec).sequences;
  const fault = runSequence(machine, bsp, previous === undefined ? sequences.boot : sequences.kexec, safety);
  if (fault !== undefined) return faulted(fault);
  setUpBootCpu(machine, guest, revision, bsp);
  for (let id = 1; id < machine.vcpus.length; id++) {
    const apFault = bringUp(machine, guest, revision, id);
    if (apFault !== undefined) return faulted(apFault);
  }
  guest.running = true;
  return ok();
}

/** native_write_cr0/cr4(): the MOV first, then, with native pinning on, the pinned bits restored and a WARN_ONCE. */
function writeThroughHelper(machine: KvmMachine, args: GuestWriteCrArgs): Observation {
  const guest = runningGuest(machine);
  const vcpu = machine.runnable(args.vcpu ?? 0);
  const value = parseHex(args.value);
  const first = movToCr(machine, vcpu, args.cr, value);
  // A running kernel has set up native pinning exactly when its image has it.
  if (first.result !== "ok" || guest.image.nativePinning === "none") return first;
  const generation = linuxGuestData(machine.spec).native[guest.image.nativePinning];
  const print = machine.print.bind(machine);
  if (args.cr === 0) {
    const missing = generation.cr0Bits & ~value;
    if (missing === 0n) return first;
    const again = movToCr(machine, vcpu, 0, value | missing);
    // The warning follows the corrected write; a corrected write KVM refuses never gets there.
    if (again.result === "ok") guest.warnOnce(print, { msg: generation.cr0Message });
    return again;
  }
  const pinned = guest.nativeCr4PinnedBits;
  const keepSet = generation.cr4Rule === "keep-set";
  const changed = keepSet ? pinned & ~value : (value & generation.cr4Mask) ^ pinned;
  if (changed === 0n) return first;
  const corrected = keepSet ? value | changed : (value & ~generation.cr4Mask) | pinned;
  const again = movToCr(machine, vcpu, 4, corrected);
  if (again.result === "ok") guest.warnOnce(print, { msg: generation.cr4Message, bits: changed.toString(16) });
  return again;
}

function kexecLoad(machine: KvmMachine, args: GuestKexecLoadArgs): Observation {
  const guest = runningGuest(machine);
  const revision = crpinState(machine).revision;
  // The loader has filled in every schema default of the image.
  const image = args.image as KernelImage;
  if (!guest.image.kconfig.KEXEC_CORE) return errno("ENOSYS");
  if (guest.kexecLoadDisabled) return errno("EPERM");
  // Where kexec is disabled on opt-in, a pinning kernel has already answered EPERM; rfc-v1 pins only without KEXEC_CORE.
  if (guest.pvCrPin === "enabled") {
    if (args.syscall === "kexec_load") return errno("EINVAL");
    if (!carriesPinFlag(revision, image)) return errno("ENOEXEC");
  }
  guest.loaded = image;
  return ok();
}

function kexecExec(machine: KvmMachine): Observation {
  const guest = runningGuest(machine);
  if (guest.loaded === undefined) throw new CaseModelError("no kexec image is loaded: use guest_kexec_load first");
  return bootKernel(machine, guest.loaded, guest.image);
}

export const linuxOperations = {
  guest_boot(machine: KvmMachine): Observation {
    if (crpinState(machine).guest?.running === true) throw new CaseModelError("a guest kernel is already running: reset the machine (vmm_system_reset) before booting again");
    return bootKernel(machine, machine.settings.kernel);
  },
  guest_online_cpu(machine: KvmMachine, args: GuestOnlineCpuArgs): Observation {
    const guest = runningGuest(machine);
    const fault = bringUp(machine, guest, crpinState(machine).revision, args.vcpu);
    return fault === undefined ? ok() : faulted(fault);
  },
  guest_write_cr: writeThroughHelper,
  guest_kexec_load: kexecLoad,
  guest_kexec_exec: kexecExec,
};
