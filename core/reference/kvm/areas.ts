import type { KvmArea } from "./machine";
import { crpinArea } from "./crpin/area";

/** Every area of the KVM machine (core/c-impl/src/kvm/area_list.h is the C core's list). */
export const KVM_AREAS: readonly KvmArea[] = [crpinArea];
