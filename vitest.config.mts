import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two cores: forks keep CLI subprocess tests and in-process tests apart without oversubscribing.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    reporters: process.env.CI ? ["default", ["json", { outputFile: "out/vitest.json" }]] : ["default"],
  },
});
