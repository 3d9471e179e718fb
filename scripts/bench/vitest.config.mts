/** The vitest configuration of benchmark figure (d) (scripts/bench/user-suite.test.mts): vitest's defaults, that one file. */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scripts/bench/user-suite.test.mts"],
  },
});
