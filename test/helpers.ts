/** Shared helpers for the test suite. */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { packageRoot } from "../spec/paths";

export const ROOT = packageRoot();
export const CLI = join(ROOT, "dist", "runner", "cli.js");

export function tempDir(prefix = "hvabi-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (path → content) under a fresh temporary folder and returns it. */
export function writeTree(files: Record<string, string | object>): string {
  const dir = tempDir();
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (never through a shell). */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
