/** A vCPU of the case model: the guest-visible register state the x86 areas read and change. */

export type GuestMode = "kernel" | "user";

/** What Xen keeps for a PV vCPU (v->arch.pv and the guest tables). */
export interface PvRegisters {
  /** ctrlreg[0] & TS: the only CR0 bit the guest owns. */
  ts: boolean;
  /** ctrlreg[4]: the guest's CR4 view. */
  cr4: bigint;
  /** 64-bit PV: guest_table, the kernel L4 frame. */
  baseptr: bigint | null;
  /** 64-bit PV: guest_table_user, the user L4 frame. */
  userBaseptr: bigint | null;
  /** 32-bit PV: slot 0 of Xen's per-vCPU L4, which holds the guest's L3 (0 when none). */
  compatL4Slot0: bigint;
}

/** The architectural registers of an HVM vCPU. */
export interface HvmRegisters {
  cr0: bigint;
  cr3: bigint;
  cr4: bigint;
  efer: bigint;
}

export class XenVcpu {
  mode: GuestMode = "kernel";
  /** EFLAGS.AC. */
  ac = false;
  pkru = 0n;
  /** CR2 as the guest reads it (ctrlreg[2] for PV). */
  cr2 = 0n;

  constructor(
    readonly id: number,
    private readonly pvRegisters: PvRegisters | undefined,
    private readonly hvmRegisters: HvmRegisters | undefined,
  ) {}

  static pv(id: number, registers: PvRegisters): XenVcpu {
    return new XenVcpu(id, registers, undefined);
  }

  static hvm(id: number, registers: HvmRegisters): XenVcpu {
    return new XenVcpu(id, undefined, registers);
  }

  get pv(): PvRegisters {
    if (this.pvRegisters === undefined) throw new Error(`vCPU ${this.id} is not a PV vCPU`);
    return this.pvRegisters;
  }

  get hvm(): HvmRegisters {
    if (this.hvmRegisters === undefined) throw new Error(`vCPU ${this.id} is not an HVM vCPU`);
    return this.hvmRegisters;
  }
}
