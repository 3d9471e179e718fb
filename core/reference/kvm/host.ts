/** What the VMM does through KVM's ioctls: MSRs, special registers, INIT, system reset, migration. */
import type { HostGetMsrArgs, HostSetMsrArgs, HostSetSregsArgs } from "../../../spec/types/generated";
import { parseHex, toHex } from "../../hex";
import { CaseModelError } from "../model-error";
import { errno, ok, type Observation } from "../observe";
import type { KvmMachine } from "./machine";
import { readMsr, resolveMsr, writeMsr } from "./msrs";
import { nestedExit } from "./nested";
import { sregsProblem } from "./sregs";
import { Vcpu } from "./vcpu";

export function hostSetMsr(machine: KvmMachine, args: HostSetMsrArgs): Observation {
  const vcpu = machine.vcpu(args.vcpu ?? 0);
  const written = writeMsr(machine, vcpu, resolveMsr(machine, args.msr), parseHex(args.value), "host");
  return ok({ processed: written ? 1 : 0 });
}

export function hostGetMsr(machine: KvmMachine, args: HostGetMsrArgs): Observation {
  const vcpu = machine.vcpu(args.vcpu ?? 0);
  const read = readMsr(machine, vcpu, resolveMsr(machine, args.msr), "host");
  return read.ok ? ok({ processed: 1, value: toHex(read.value) }) : ok({ processed: 0 });
}

/** KVM_GET_SREGS, replace the given registers, KVM_SET_SREGS: no pin checks (cr-pinning-and-x86-facts 24). */
export function hostSetSregs(machine: KvmMachine, args: HostSetSregsArgs): Observation {
  const vcpu = machine.vcpu(args.vcpu ?? 0);
  if (vcpu.guestMode) throw new CaseModelError(`KVM_SET_SREGS while vCPU ${vcpu.id} runs L2 is not modelled`);
  const next = {
    cr0: args.cr0 === undefined ? vcpu.cr0 : parseHex(args.cr0),
    cr3: args.cr3 === undefined ? vcpu.cr3 : parseHex(args.cr3),
    cr4: args.cr4 === undefined ? vcpu.cr4 : parseHex(args.cr4),
    efer: args.efer === undefined ? vcpu.efer : parseHex(args.efer),
    cs64: args.cs64 ?? vcpu.cs64,
  };
  if (sregsProblem(machine.rules, next, (feature) => machine.hasFeature(feature)) !== undefined) return errno("EINVAL");
  Object.assign(vcpu, next);
  return ok();
}

/** INIT: kvm_vcpu_reset(init_event), or an INIT-signal VM-exit to L1 while L2 runs. */
export function initVcpu(machine: KvmMachine, vcpu: Vcpu): void {
  if (vcpu.smm) throw new CaseModelError(`INIT is held pending while vCPU ${vcpu.id} is in SMM, which the model does not deliver`);
  if (vcpu.guestMode) {
    nestedExit(machine, vcpu);
    return;
  }
  vcpu.loadResetState();
  machine.pinning.onVcpuReset(vcpu);
}

/** The VMM's reset of every vCPU; KVM is not told (cr-pinning-and-x86-facts 13). */
export function vmmSystemReset(machine: KvmMachine): Observation {
  for (const vcpu of machine.vcpus) {
    vcpu.loadResetState();
    vcpu.smbase = machine.rules.smm.smbase;
    vcpu.stopped = undefined;
  }
  const { exposeCrPin, zeroesPinsOnReset } = machine.settings.vmm;
  if (exposeCrPin && zeroesPinsOnReset) {
    for (const vcpu of machine.vcpus) {
      for (const msr of machine.pinning.vmmManagedMsrs) {
        if (!writeMsr(machine, vcpu, msr, 0n, "host")) throw new Error(`KVM refused the VMM's reset write of 0 to ${toHex(msr)}`);
      }
    }
  }
  for (const area of machine.areas) area.systemReset(machine);
  return ok();
}

/** Save on the source, create and restore on a fresh destination of the same revision. */
export function vmmMigrate(machine: KvmMachine): Observation {
  const { exposeCrPin, migratesPins } = machine.settings.vmm;
  machine.vcpus.forEach((source, id) => {
    if (source.smm || source.guestMode || source.stopped !== undefined) {
      throw new CaseModelError(`migrating vCPU ${id} while it is in SMM, runs L2 or is stopped is not modelled`);
    }
    const destination = machine.createVcpu(id);
    Object.assign(destination, { cr0: source.cr0, cr3: source.cr3, cr4: source.cr4, efer: source.efer, cs64: source.cs64, smbase: source.smbase });
    destination.smram.set(source.smram);
    if (exposeCrPin && migratesPins) {
      for (const msr of machine.pinning.vmmManagedMsrs) {
        const saved = readMsr(machine, source, msr, "host");
        if (!saved.ok || !writeMsr(machine, destination, msr, saved.value, "host")) throw new Error(`migrating MSR ${toHex(msr)} failed`);
      }
    }
    machine.vcpus[id] = destination;
  });
  return ok();
}
