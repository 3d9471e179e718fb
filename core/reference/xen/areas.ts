import { gnttabArea } from "./gnttab/area";
import type { XenArea } from "./machine";
import { platformArea } from "./platform";

/** Every Xen area of the reference core, platform first. */
export const XEN_AREAS: readonly XenArea[] = [platformArea, gnttabArea];
