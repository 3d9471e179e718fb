/**
 * Every kind of core hvabi can run, once. Adding a kind is one entry here and
 * the kind's own module (a CoreKind, ./core-kind.ts): parsing `--core`, the usage text,
 * the "unknown core" message, and what run, serve, check-core, bench, worker
 * threads and hvabi/vitest do with it all follow from the entry
 * (docs/architecture.md, "Add a core kind").
 */
import { registerCoreKind, type RegisteredCoreKind } from "./core-kind";
import { execKind } from "./exec";
import { moduleKind } from "./module";
import { referenceKind } from "./reference";
import { xenQemuKind } from "./xen-qemu";

/** In the order the usage text lists them. Recognition does not depend on it: names first, then prefixes, then extensions. */
export const CORE_KINDS: readonly RegisteredCoreKind[] = [
  registerCoreKind(referenceKind),
  registerCoreKind(moduleKind),
  registerCoreKind(execKind),
  registerCoreKind(xenQemuKind),
];
