/** What the crpin area keeps on a KVM machine (KvmMachine.areaState), and the way to it. */
import type { KvmMachine } from "../machine";
import type { LinuxGuest } from "./linux-guest";
import type { CrpinRevision } from "./revision";

export interface CrpinMachineState {
  readonly revision: CrpinRevision;
  /** The Linux guest kernel, once `guest_boot` ran (running or not). */
  guest: LinuxGuest | undefined;
}

export const crpinState = (machine: KvmMachine): CrpinMachineState => machine.areaState.get("crpin") as CrpinMachineState;
