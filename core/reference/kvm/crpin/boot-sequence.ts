/**
 * Runs one of the guest's control-register write sequences
 * (spec/data/areas/crpin/linux-guest.json) on a vCPU, through the guest write paths.
 */
import { guestWriteCr0, guestWriteCr4, guestWriteEfer, movOperand } from "../control-registers";
import type { KvmMachine } from "../machine";
import type { Vcpu } from "../vcpu";
import type { CrWriteStep, WriteStage } from "./linux-data";

export interface SequenceFault {
  stage: WriteStage;
  target: "cr0" | "cr4" | "efer";
  vcpu: number;
}

/**
 * Which kernels' code keeps the protection bits: the one booting, and the one handing over (kexec).
 * Firmware never does, but its steps name no pinSafeKeep bits (linux-guest.json), so only the
 * kexec-relocate stage needs telling apart.
 */
export interface PinSafety {
  booting: boolean;
  previous: boolean;
}

const pinSafeAt = (stage: WriteStage, safety: PinSafety): boolean => (stage === "kexec-relocate" ? safety.previous : safety.booting);

export function runSequence(machine: KvmMachine, vcpu: Vcpu, steps: readonly CrWriteStep[], safety: PinSafety): SequenceFault | undefined {
  for (const step of steps) {
    if (step.target === "enter-64-bit") {
      // The writes before it set EFER.LME and CR0.PG, so long mode is active (a refused write returned).
      vcpu.cs64 = true;
      continue;
    }
    const current = step.target === "cr0" ? vcpu.cr0 : step.target === "cr4" ? vcpu.cr4 : vcpu.efer;
    let value = ((step.fromZero ? 0n : current) & ~step.clear) | step.set;
    for (const { feature, mask } of step.setIfFeature) if (machine.hasFeature(feature)) value |= mask;
    if (pinSafeAt(step.stage, safety)) value |= current & step.pinSafeKeep;
    const written =
      step.target === "efer"
        ? guestWriteEfer(machine, vcpu, value)
        : step.target === "cr0"
          ? guestWriteCr0(machine, vcpu, movOperand(vcpu, value))
          : guestWriteCr4(machine, vcpu, movOperand(vcpu, value));
    if (!written) return { stage: step.stage, target: step.target, vcpu: vcpu.id };
  }
  return undefined;
}
