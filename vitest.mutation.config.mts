import { defineConfig } from "vitest/config";

/** The vitest run Stryker uses: only the conformance suite, through hvabi/vitest. */
export default defineConfig({
  test: {
    include: ["test/mutation/*.test.ts"],
    pool: "forks",
  },
});
