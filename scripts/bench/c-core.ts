/**
 * The independent C implementation for benchmark figure (c): built from this
 * repository's core/c-impl with make, or taken from --c-core. When it is not
 * there, the benchmark says so instead of inventing a figure.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../spec/paths";

export type CCore = { ok: true; program: string; source: string } | { ok: false; why: string };

export function cCore(given: string | undefined): CCore {
  if (given !== undefined) {
    return existsSync(given) ? { ok: true, program: given, source: `--c-core ${given}` } : { ok: false, why: `--c-core ${given}: no such file` };
  }
  const dir = join(packageRoot(), "core", "c-impl");
  if (!existsSync(join(dir, "Makefile"))) return { ok: false, why: "the C implementation is absent: this checkout has no core/c-impl/Makefile" };
  const make = spawnSync("make", ["-C", dir], { encoding: "utf8" });
  if (make.error !== undefined) return { ok: false, why: `cannot run make: ${make.error.message}` };
  if (make.status !== 0) return { ok: false, why: `make -C core/c-impl failed (status ${make.status}):\n${make.stderr.slice(-2000)}` };
  const program = join(dir, "build", "hvabi-c-core");
  return existsSync(program) ? { ok: true, program, source: "make -C core/c-impl" } : { ok: false, why: `make -C core/c-impl built no ${program}` };
}
