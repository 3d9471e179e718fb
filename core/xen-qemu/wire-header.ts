/**
 * Generates core/xen-qemu/kernel/include/wire.h from core/xen-qemu/wire.json, so that the
 * kernel and the TypeScript side read one definition of the boot module, the kernel
 * operations and the console lines. `npm run codegen` writes it; a test fails when the
 * committed header is stale.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../spec/paths";

export const WIRE_JSON = join("core", "xen-qemu", "wire.json");
export const WIRE_HEADER = join("core", "xen-qemu", "kernel", "include", "wire.h");

type Table = Record<string, number | string>;

function numbers(table: Table): [string, number][] {
  return Object.entries(table).filter((entry): entry is [string, number] => typeof entry[1] === "number");
}

function macro(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

export function generateWireHeader(wireText: string): string {
  const wire = JSON.parse(wireText) as Record<string, unknown>;
  const lines: string[] = [
    "/* Generated from core/xen-qemu/wire.json by `npm run codegen`: do not edit. */",
    "#ifndef HVABI_WIRE_H",
    "#define HVABI_WIRE_H",
    "",
    `#define WIRE_VERSION ${String(wire.version)}`,
    `#define WIRE_BUNDLE_MAGIC "${String(wire.bundleMagic)}"`,
    `#define WIRE_PROGRAM_MAGIC "${String(wire.programMagic)}"`,
    `#define WIRE_CASE_MAGIC ${String(wire.caseMagic)}u`,
  ];
  const groups: [string, string][] = [
    ["sizes", "WIRE_SIZE"],
    ["model", "WIRE_MODEL"],
    ["domainTypes", "WIRE_DOMAIN"],
    ["domainFlags", "WIRE_DOMAIN_FLAG"],
    ["stepFlags", "WIRE_STEP_FLAG"],
    ["caseFlags", "WIRE_CASE_FLAG"],
    ["programFlags", "WIRE_PROGRAM_FLAG"],
    ["relocation", "WIRE_RELOC"],
    ["operations", "WIRE_OP"],
    ["results", "WIRE_RESULT"],
  ];
  for (const [key, prefix] of groups) {
    lines.push("");
    for (const [name, value] of numbers(wire[key] as Table)) {
      const literal = value < 0 ? `(${value})` : value > 0x7fffffff ? `${value}ull` : `${value}`;
      lines.push(`#define ${macro(prefix, name)} ${literal}`);
    }
  }
  lines.push("");
  for (const [name, value] of Object.entries(wire.console as Table)) {
    if (name !== "description") lines.push(`#define ${macro("WIRE_LINE", name)} '${String(value)}'`);
  }
  lines.push("", "#endif", "");
  return lines.join("\n");
}

export function generateWireHeaderFromDisk(root = packageRoot()): string {
  return generateWireHeader(readFileSync(join(root, WIRE_JSON), "utf8"));
}
