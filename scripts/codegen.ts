import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateWireHeaderFromDisk, WIRE_HEADER } from "../core/xen-qemu/wire-header";
import { packageRoot } from "../spec/paths";
import { generateTypes, TYPES_FILE } from "./schema-types";

// The test kernel's wire header first: it needs no schema tooling and the kernel build reads it.
const header = join(packageRoot(), WIRE_HEADER);
writeFileSync(header, generateWireHeaderFromDisk());
console.log(`wrote ${header}`);
if (process.argv.includes("--wire-only")) process.exit(0);

generateTypes().then(
  (source) => {
    writeFileSync(TYPES_FILE, source);
    console.log(`wrote ${TYPES_FILE}`);
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
