/**
 * Whether this machine can run the real-Xen tests (the set-up of `sudo npm run setup:xen`), and
 * the banner that says so when it cannot: such tests are skipped, never passed in silence.
 */
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findXenImages, setupHint } from "../../core/xen-qemu/xen-images";

function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((folder) => folder !== "" && existsSync(join(folder, program)));
}

/** What the real-Xen tests need and this machine lacks (empty: they run). */
export function missingSetUp(): string[] {
  if (process.env.HVABI_REAL_XEN === "0") return ["nothing: HVABI_REAL_XEN=0 turned them off"];
  const images = findXenImages();
  return [
    ...(onPath("qemu-system-x86_64") ? [] : ["QEMU (qemu-system-x86_64)"]),
    ...(images?.release ? [] : [`the release Xen image (${setupHint()})`]),
    ...(onPath("gcc") && onPath("make") ? [] : ["gcc and make, to build the test kernel"]),
  ];
}

export function notRunBanner(missing: readonly string[]): string {
  const rule = "*".repeat(78);
  return `\n${rule}\n*** REAL-XEN TESTS DID NOT RUN: missing ${missing.join("; ")}.\n*** Enable them with: sudo npm run setup:xen   (docs/real-xen.md)\n${rule}\n`;
}
