import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two cores: forks keep CLI subprocess tests and in-process tests apart without oversubscribing.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    // Ends the run with a banner when the real-Xen tests could not run (no set-up on this machine).
    globalSetup: ["test/xen-qemu/global-setup.ts"],
    reporters: process.env.CI ? ["default", ["json", { outputFile: "out/vitest.json" }]] : ["default"],
  },
});
