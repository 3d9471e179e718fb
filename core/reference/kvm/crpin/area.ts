/**
 * The crpin area on the KVM machine: the profile's CR-pinning revision and the
 * pins KVM enforces by it, the Linux guest kernel's operations, and the guest
 * state keys of spec/data/areas/crpin/observables.json.
 */
import type { Value } from "../../../../spec/types/generated";
import { toHex } from "../../../hex";
import { CaseModelError } from "../../model-error";
import type { KvmArea, KvmStateReader } from "../machine";
import { kvmPinning } from "./kvm-pinning";
import type { LinuxGuest } from "./linux-guest";
import { linuxOperations } from "./linux-ops";
import { crpinState, type CrpinMachineState } from "./machine-state";
import { crpinRevision } from "./revision";

/** A field of the running guest, or null while no guest runs. */
function guestField(read: (guest: LinuxGuest) => Value): KvmStateReader {
  return (machine) => {
    const guest = crpinState(machine).guest;
    return guest === undefined || !guest.running ? null : read(guest);
  };
}

const stateReaders: Record<string, KvmStateReader> = {
  "guest.running": (machine) => crpinState(machine).guest?.running ?? false,
  "guest.pvCrPin": guestField((guest) => guest.pvCrPin),
  "guest.kexecLoadDisabled": guestField((guest) => guest.kexecLoadDisabled),
  "guest.crashkernelReserved": guestField((guest) => guest.crashkernelReserved),
  "guest.nativePinning": guestField((guest) => guest.nativePinning),
  "guest.nativeCr4PinnedBits": guestField((guest) => toHex(guest.nativeCr4PinnedBits)),
  "guest.kexecLoaded": guestField((guest) => guest.loaded !== undefined),
};

export const crpinArea: KvmArea = {
  name: "crpin",
  attach(machine) {
    const revision = crpinRevision(machine.spec, machine.profile);
    // Every profile a KVM case runs under covers the crpin area (spec/data/profiles.json).
    if (revision === undefined) throw new CaseModelError(`profile ${machine.profile} has no CR-pinning revision: the KVM machine models KVM with one`);
    machine.areaState.set("crpin", { revision, guest: undefined } satisfies CrpinMachineState);
    return kvmPinning(revision, machine.settings.ignoreMsrs);
  },
  operations: linuxOperations,
  stateReaders,
  // A system reset stops the guest kernel (the vCPUs are back at their reset state).
  systemReset(machine) {
    crpinState(machine).guest?.halt();
  },
};
