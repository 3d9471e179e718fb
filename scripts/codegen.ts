import { writeFileSync } from "node:fs";
import { generateTypes, TYPES_FILE } from "./schema-types";

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
