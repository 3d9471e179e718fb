import { cr4Area } from "./cr4/area";
import { gnttabArea } from "./gnttab/area";
import type { XenArea } from "./machine";
import { platformArea } from "./platform";
import { pteArea } from "./pte/area";
import { ptshareArea } from "./ptshare/area";
import { smapArea } from "./smap/area";
import { x86Area } from "./x86/area";

/**
 * Every Xen area of the reference core, platform first. Order matters where a
 * domain creation can fail: the toolstack's CR4 allow-list is checked at
 * creation, before the builder reads the kernel's ELF notes, before 32-bit PV
 * is switched on.
 */
export const XEN_AREAS: readonly XenArea[] = [platformArea, gnttabArea, x86Area, cr4Area, ptshareArea, smapArea, pteArea];
