/**
 * What the reference core derives from spec data (rule tables, layouts,
 * revisions, the guest data of the Linux model, the guest slots of a page
 * table) is worked out once per spec and reused: the core judges thousands of
 * cases a second on it (npm run bench). Reuse is seen as identity: asking twice
 * gives the very same object.
 */
import { describe, expect, it } from "vitest";
import { kvmRules } from "../../core/reference/kvm/rules";
import { linuxGuestData } from "../../core/reference/kvm/crpin/linux-data";
import { crpinRevision } from "../../core/reference/kvm/crpin/revision";
import { guestSlots, type PvMemory } from "../../core/reference/xen/pv/validation";
import { x86State } from "../../core/reference/xen/x86/domain-state";
import { layout } from "../../core/x86/layouts";
import { loadSpec } from "../../spec";
import { bootedMachine, domain } from "../core/xen-machine";
import { freshView } from "./fresh-view";

describe("derived spec data is computed once per spec", () => {
  it("KVM rule tables and the Linux guest's data", () => {
    const spec = freshView(loadSpec());
    expect(kvmRules(spec)).toBe(kvmRules(spec));
    expect(linuxGuestData(spec)).toBe(linuxGuestData(spec));
  });

  it("CR-pinning revisions, per profile", () => {
    const spec = freshView(loadSpec());
    const v1 = crpinRevision(spec, "crpin-rfc-v1");
    const v3 = crpinRevision(spec, "crpin-v3");
    expect(v1).toBeDefined();
    expect(crpinRevision(spec, "crpin-rfc-v1")).toBe(v1);
    expect(crpinRevision(spec, "crpin-v3")).toBe(v3);
    expect(v3).not.toBe(v1);
  });

  it("register layouts, per spec and name", () => {
    const spec = freshView(loadSpec());
    const cr4 = layout(spec, "cr4");
    expect(layout(spec, "cr0")).not.toBe(cr4);
    expect(layout(spec, "cr4")).toBe(cr4);
    const other = freshView(loadSpec());
    expect(layout(other, "cr4")).not.toBe(cr4);
    expect(layout(spec, "cr4")).toBe(cr4);
  });

  it("the guest slots of a page-table type", () => {
    const machine = bootedMachine({ domains: [{ domid: 1 }] });
    const d1 = domain(machine, 1);
    const mm: PvMemory = { machine, domain: d1, state: x86State(d1) };
    const l4 = guestSlots(mm, "l4");
    expect(guestSlots(mm, "l1")).not.toBe(l4);
    expect(guestSlots(mm, "l4")).toBe(l4);
  });
});
