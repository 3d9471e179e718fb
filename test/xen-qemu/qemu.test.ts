/**
 * One supervised QEMU boot (core/xen-qemu/qemu.ts), against a fake QEMU that prints a scripted
 * Xen console (test/xen-qemu/doubles/fake-qemu.js), and once against real Xen when the set-up
 * has been done.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BootRequestError, bootConcurrency, bootXen, classifyXenLine, qemuArgv, type BootRequest } from "../../core/xen-qemu/qemu";
import { describeImage } from "../../core/xen-qemu/xen-images";

const FAKE_QEMU = resolve(__dirname, "doubles", "fake-qemu.js");

let dir: string;
let xen: string;
let kernel: string;
let module: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hvabi-qemu-test-"));
  xen = join(dir, "xen");
  kernel = join(dir, "kernel.elf");
  module = join(dir, "cases.bin");
  for (const file of [xen, kernel, module]) writeFileSync(file, "placeholder");
  // Fake QEMUs hold slots of their own: a real run on this machine must not hold up (or count in) these tests.
  process.env.HVABI_QEMU_SLOT_DIR = join(dir, "slots");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function request(scenario: string, extra: Partial<BootRequest> = {}): BootRequest {
  return {
    xenImage: xen,
    xenCommandLine: `console=com1 com1=115200,8n1 fake=${scenario} fake-dir=${dir}`,
    dom0Kernel: kernel,
    dom0CommandLine: "batch=1 verbose",
    module,
    cpu: "max",
    memoryMiB: 512,
    timeoutMs: 15_000,
    qemu: FAKE_QEMU,
    ...extra,
  };
}

/** A process is gone, or a zombie nobody has reaped yet (it runs no more either way). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

describe("qemuArgv", () => {
  it("builds QEMU's arguments: software emulation, serial on stdio, modules in -initrd", () => {
    const argv = qemuArgv(request("argv"));
    expect(argv).toEqual([
      "-machine", "q35", "-cpu", "max", "-m", "512", "-smp", "1", "-nographic", "-serial", "stdio",
      "-monitor", "none", "-no-reboot", "-nodefaults", "-net", "none",
      "-kernel", xen,
      "-append", `console=com1 com1=115200,8n1 fake=argv fake-dir=${dir}`,
      "-initrd", `${kernel} batch=1 verbose,${module}`,
    ]);
    expect(argv).not.toContain("-accel");
    expect(argv.join(" ")).not.toMatch(/kvm/);
  });

  it("leaves out an empty dom0 command line and a missing module", () => {
    const argv = qemuArgv(request("argv", { dom0CommandLine: "  ", module: undefined }));
    expect(argv.at(-1)).toBe(kernel);
  });

  it("refuses commas where QEMU's multiboot loader splits modules, and spaces in paths", () => {
    expect(() => qemuArgv(request("argv", { dom0CommandLine: "a=1,2" }))).toThrow(BootRequestError);
    expect(() => qemuArgv(request("argv", { dom0CommandLine: "a=1,2" }))).toThrow(/dom0CommandLine must not contain a comma/);
    expect(() => qemuArgv(request("argv", { module: join(dir, "a,b.bin") }))).toThrow(/module must not contain a comma/);
    expect(() => qemuArgv(request("argv", { dom0Kernel: join(dir, "k,1.elf") }))).toThrow(/dom0Kernel must not contain a comma/);
    expect(() => qemuArgv(request("argv", { xenImage: join(dir, "my xen") }))).toThrow(/xenImage must not contain spaces/);
    expect(() => qemuArgv(request("argv", { xenCommandLine: "a\nb" }))).toThrow(/one line/);
    expect(() => qemuArgv(request("argv", { cpu: "max -accel kvm" }))).toThrow(/cpu/);
    expect(() => qemuArgv(request("argv", { memoryMiB: 0.5 }))).toThrow(/memoryMiB/);
  });

  it("bootXen rejects such a request, and a missing file, before starting anything", async () => {
    await expect(bootXen(request("argv", { module: join(dir, "x,y") }))).rejects.toThrow(/comma/);
    await expect(bootXen(request("argv", { dom0Kernel: join(dir, "absent.elf") }))).rejects.toThrow(/dom0Kernel .*absent\.elf cannot be read/);
  });
});

describe("classifyXenLine (Xen 4.17's own words)", () => {
  it.each([
    ["Panic on CPU 0:", "panic"],
    ["Reboot in five seconds...", "panic"],
    ["Hardware Dom0 crashed: rebooting machine in 5 seconds.", "dom0-crash"],
    ["Hardware Dom0 shutdown (unknown reason 9): rebooting machine in 5 seconds.", "dom0-crash"],
    ["Domain 0 (vcpu#0) crashed on cpu#0:", "dom0-crash"],
    ["Domain 0 reported crashed by domain 1 on cpu#0:", "dom0-crash"],
    ["d0v0 Unhandled: vec 14, #PF[0002]", "dom0-crash"],
    ["Hardware Dom0 shutdown: rebooting machine", "reboot"],
    ["Hardware Dom0 shutdown: watchdog rebooting machine", "other-reset"],
    ["Hardware Dom0 halted: halting machine", "halt"],
  ])("%s → %s", (line, kind) => {
    expect(classifyXenLine(line)?.kind).toBe(kind);
  });

  it.each([
    "Domain 1 (vcpu#0) crashed on cpu#0:",
    "Domain 10 (vcpu#0) crashed on cpu#0:",
    "Domain 1 reported crashed by domain 0 on cpu#0:",
    "d1v0 Unhandled: vec 13, #GP[0000]",
    "domain_crash called from common/grant_table.c:1234",
    "Freed 656kB init memory",
  ])("a domU's crash or anything else ends nothing: %s", (line) => {
    expect(classifyXenLine(line)).toBeUndefined();
  });
});

describe("bootXen with a fake QEMU", () => {
  it("completed: dom0 reboots, QEMU exits 0; firmware noise split from Xen's banner", async () => {
    const seen: string[] = [];
    const outcome = await bootXen(request("completed"), { onLine: (line) => seen.push(line) });
    expect(outcome.end).toBe("completed");
    expect(outcome.reason).toMatch(/Hardware Dom0 shutdown: rebooting machine/);
    expect(outcome.exitStatus).toBe(0);
    expect(outcome.signal).toBeNull();
    expect(outcome.lines).toContain("(XEN) Xen version 4.17.5 (Debian 4.17.5+72-g01140da4e8-1) (pkg-xen-devel@lists.alioth.debian.org) debug=n");
    expect(outcome.lines).toContain("Booting from ROM..");
    expect(outcome.lines).toContain("SeaBIOS (version 1.16.2-debian-1.16.2-1)");
    expect(outcome.lines.filter((line) => line.startsWith("R "))).toEqual(["R case-0 ok", "R case-1 ok", "R case-2 ok", "R case-3 ok", "R case-4 ok"]);
    expect(outcome.lines.every((line) => !line.includes("\r"))).toBe(true);
    expect(seen).toEqual(outcome.lines);
    expect(outcome.firstKernelLineMs).toBeGreaterThan(0);
    expect(outcome.firstKernelLineMs).toBeLessThanOrEqual(outcome.durationMs);
    expect(outcome.aborted).toBeUndefined();
  });

  it("xen-panic: killed within a few hundred ms of the panic, not after Xen's 5 s, with the panic text", async () => {
    let panicAt: number | undefined;
    const outcome = await bootXen(request("panic"), {
      onLine: (line, ms) => {
        if (line.includes("Panic on CPU")) panicAt = ms;
      },
    });
    expect(outcome.end).toBe("xen-panic");
    expect(outcome.reason).toMatch(/Panic on CPU 0/);
    expect(outcome.lines).toContain("(XEN) FATAL PAGE FAULT");
    expect(outcome.lines).toContain("(XEN) Reboot in five seconds...");
    expect(outcome.lines.some((line) => line.includes("Resetting"))).toBe(false);
    expect(outcome.signal).toBe("SIGKILL");
    expect(panicAt).toBeDefined();
    expect(outcome.durationMs - panicAt!).toBeLessThan(700);
  });

  it("xen-panic: a panic followed by silence is killed after the quiet period", async () => {
    const outcome = await bootXen(request("panic-silent"));
    expect(outcome.end).toBe("xen-panic");
    expect(outcome.lines.at(-1)).toBe("(XEN) Assertion 'x' failed at common/foo.c:1");
    expect(outcome.durationMs).toBeLessThan(3000);
  });

  it("dom0-crash: the register dump is read to its end, then the group is killed at once", async () => {
    const outcome = await bootXen(request("dom0-crash"));
    expect(outcome.end).toBe("dom0-crash");
    expect(outcome.reason).toMatch(/d0v0 Unhandled: vec 14/);
    expect(outcome.lines.at(-1)).toBe("(XEN) Hardware Dom0 crashed: rebooting machine in 5 seconds.");
    expect(outcome.lines).toContain("(XEN) r29: 0000000000000000");
    expect(outcome.durationMs).toBeLessThan(3000);
  });

  it("dom0-crash: dom0's own SHUTDOWN_crash (one line)", async () => {
    const outcome = await bootXen(request("dom0-shutdown-crash"));
    expect(outcome.end).toBe("dom0-crash");
    expect(outcome.lines).toContain("F no hvabi bundle in the boot module 0");
    expect(outcome.durationMs).toBeLessThan(3000);
  });

  it("a domU's crash does not end the boot", async () => {
    const outcome = await bootXen(request("domu-crash"));
    expect(outcome.end).toBe("completed");
    expect(outcome.lines).toContain("(XEN) Domain 1 (vcpu#0) crashed on cpu#0:");
    expect(outcome.lines).toContain("(d1) domU says goodbye");
    expect(outcome.lines).toContain("R case-2 ok");
  });

  it("dom0 powering off: Xen halts and never resets, so QEMU is killed; the batch completed", async () => {
    const outcome = await bootXen(request("halt"));
    expect(outcome.end).toBe("completed");
    expect(outcome.reason).toMatch(/halting machine/);
    expect(outcome.durationMs).toBeLessThan(3000);
  });

  it("timeout: the whole group is killed at the limit", async () => {
    const outcome = await bootXen(request("hang", { timeoutMs: 600 }));
    expect(outcome.end).toBe("timeout");
    expect(outcome.reason).toMatch(/no end within 600 ms; last console line: S case-0/);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(590);
    expect(outcome.durationMs).toBeLessThan(2500);
    expect(outcome.signal).toBe("SIGKILL");
  });

  it("qemu-failed: a non-zero exit, with stderr's tail", async () => {
    const outcome = await bootXen(request("fail"));
    expect(outcome.end).toBe("qemu-failed");
    expect(outcome.exitStatus).toBe(1);
    expect(outcome.reason).toMatch(/exited with status 1: qemu-system-x86_64: -kernel \/x: could not load kernel/);
    expect(outcome.stderrTail).toMatch(/could not load kernel/);
  });

  it("qemu-failed: the program cannot be started", async () => {
    const outcome = await bootXen(request("completed", { qemu: join(dir, "no-such-qemu") }));
    expect(outcome.end).toBe("qemu-failed");
    expect(outcome.reason).toMatch(/cannot run .*no-such-qemu.*not found/);
  });

  it("a reset nobody asked for (exit 0 without dom0's reboot) is not a completed batch", async () => {
    const outcome = await bootXen(request("triple-fault"));
    expect(outcome.end).toBe("xen-panic");
    expect(outcome.reason).toMatch(/without a reboot request/);
  });

  it("keeps a last line without newline", async () => {
    const outcome = await bootXen(request("no-newline"));
    expect(outcome.end).toBe("qemu-failed");
    expect(outcome.exitStatus).toBe(3);
    expect(outcome.lines.slice(-2)).toEqual(["R case-0 ok", "R case-1 o"]);
  });

  it("kills the whole process group: a grandchild dies with QEMU", async () => {
    const outcome = await bootXen(request("grandchild", { timeoutMs: 800 }));
    expect(outcome.end).toBe("timeout");
    const grandchild = Number(readFileSync(join(dir, "grandchild.pid"), "utf8"));
    expect(grandchild).toBeGreaterThan(0);
    const deadline = Date.now() + 2000;
    while (!processGone(grandchild) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(processGone(grandchild)).toBe(true);
  });

  it("an AbortSignal kills the boot; an aborted wait never starts QEMU", async () => {
    const controller = new AbortController();
    const pending = bootXen(request("hang", { timeoutMs: 10_000 }), {
      signal: controller.signal,
      onLine: (line) => {
        if (line === "S case-0") controller.abort(new Error("user interrupt"));
      },
    });
    const outcome = await pending;
    expect(outcome.end).toBe("qemu-failed");
    expect(outcome.aborted).toBe(true);
    expect(outcome.reason).toMatch(/aborted by the caller \(user interrupt\)/);
    expect(outcome.durationMs).toBeLessThan(3000);

    const early = await bootXen(request("hang"), { signal: AbortSignal.abort() });
    expect(early).toMatchObject({ end: "qemu-failed", aborted: true, durationMs: 0 });
  });

  it("bounds the console kept and says where it was cut", async () => {
    const outcome = await bootXen(request("flood"));
    expect(outcome.end).toBe("completed");
    expect(outcome.consoleCut?.droppedLines).toBeGreaterThan(0);
    expect(outcome.lines.some((line) => line.startsWith("[hvabi: console cut:"))).toBe(true);
    expect(outcome.lines).toContain("R the end");
    expect(outcome.lines.length).toBeLessThan(300 * 1024);
  });
});

describe("QEMU does not outlive the process that started it", () => {
  const DRIVER = resolve(__dirname, "doubles", "boot-and-exit.ts");
  const ROOT = resolve(__dirname, "..", "..");

  async function leave(how: "exit" | "SIGTERM" | "SIGINT"): Promise<void> {
    const runDir = mkdtempSync(join(tmpdir(), "hvabi-qemu-exit-"));
    try {
      for (const file of ["xen", "kernel.elf"]) writeFileSync(join(runDir, file), "placeholder");
      const driver = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", DRIVER, runDir, how === "exit" ? "exit" : "signal"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      driver.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      await new Promise<void>((resolveBooting, reject) => {
        driver.stdout.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("booting")) resolveBooting();
        });
        driver.on("exit", () => reject(new Error(`the driver left before booting: ${stderr}`)));
      });
      const exited = new Promise<void>((resolveExit) => driver.on("exit", () => resolveExit()));
      if (how !== "exit") driver.kill(how);
      await exited;
      for (const name of ["qemu.pid", "grandchild.pid"]) {
        const pid = Number(readFileSync(join(runDir, name), "utf8"));
        const deadline = Date.now() + 2000;
        while (!processGone(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(processGone(pid), `${name} ${pid} after ${how}`).toBe(true);
      }
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  }

  it.each(["exit", "SIGTERM", "SIGINT"] as const)("%s: the fake QEMU and its grandchild are killed", async (how) => {
    await leave(how);
  });
});

describe("at most two boots at a time", () => {
  async function maxAlive(boots: number): Promise<number> {
    const countDir = mkdtempSync(join(tmpdir(), "hvabi-qemu-count-"));
    try {
      const outcomes = await Promise.all(
        Array.from({ length: boots }, () =>
          bootXen(request("concurrency", { xenCommandLine: `fake=concurrency fake-dir=${countDir}` })),
        ),
      );
      for (const outcome of outcomes) expect(outcome.end).toBe("completed");
      const counts = readFileSync(join(countDir, "counts"), "utf8").trim().split("\n").map(Number);
      expect(counts).toHaveLength(boots);
      return Math.max(...counts);
    } finally {
      rmSync(countDir, { recursive: true, force: true });
    }
  }

  it("three boots requested: never more than two fake QEMUs alive, and two do overlap", async () => {
    expect(await maxAlive(3)).toBe(2);
  });

  it("HVABI_QEMU_CONCURRENCY=1 runs them one by one; it never raises the limit", async () => {
    const saved = process.env.HVABI_QEMU_CONCURRENCY;
    try {
      process.env.HVABI_QEMU_CONCURRENCY = "1";
      expect(bootConcurrency()).toBe(1);
      expect(await maxAlive(2)).toBe(1);
      process.env.HVABI_QEMU_CONCURRENCY = "8";
      expect(bootConcurrency()).toBe(2);
      process.env.HVABI_QEMU_CONCURRENCY = "zero";
      expect(bootConcurrency()).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.HVABI_QEMU_CONCURRENCY;
      else process.env.HVABI_QEMU_CONCURRENCY = saved;
    }
  });
});

// --- Real Xen (needs the set-up: qemu-system-x86 and xen-hypervisor-4.17-amd64) ---

const RELEASE_GZ = "/boot/xen-4.17-amd64.gz";
const KERNEL_DIR = resolve(__dirname, "..", "..", "core", "xen-qemu", "kernel");
const PV64 = join(KERNEL_DIR, "build", "hvabi-pv64.elf");

function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((folder) => folder !== "" && existsSync(join(folder, program)));
}

const missing = [
  ...(existsSync(RELEASE_GZ) ? [] : [RELEASE_GZ]),
  ...(onPath("qemu-system-x86_64") ? [] : ["qemu-system-x86_64"]),
];
const realXenTitle = "real Xen 4.17 (release build): the test kernel without a module crashes dom0 on purpose, ended in well under Xen's 5 s";
if (missing.length > 0) {
  // Loud on purpose: a skipped real-Xen test must never pass for a run one.
  console.warn(`\n*** REAL-XEN TEST NOT RUN: ${missing.join(" and ")} missing. Enable it with: sudo npm run setup:xen ***\n`);
}

describe("bootXen on real Xen", () => {
  // A real QEMU counts among the machine's two.
  beforeAll(() => {
    delete process.env.HVABI_QEMU_SLOT_DIR;
  });
  it.skipIf(missing.length > 0)(
    missing.length > 0 ? `SKIPPED, ${missing.join(" and ")} missing (run: sudo npm run setup:xen): ${realXenTitle}` : realXenTitle,
    async () => {
      if (!existsSync(PV64)) execFileSync("make", ["-C", KERNEL_DIR, "build/hvabi-pv64.elf"], { stdio: "pipe" });
      const image = describeImage(RELEASE_GZ, { unpackDir: join(dir, "images") });
      expect(image.build).toBe("release");
      const outcome = await bootXen({
        xenImage: image.path,
        xenCommandLine: "console=com1 com1=115200 loglvl=all guest_loglvl=all dom0_mem=64M dom0_max_vcpus=1",
        dom0Kernel: PV64,
        cpu: "max",
        memoryMiB: 512,
        timeoutMs: 30_000,
      });
      const context = `${outcome.reason}\n${outcome.lines.slice(-15).join("\n")}\n${outcome.stderrTail}`;
      expect(outcome.end, context).toBe("dom0-crash");
      expect(outcome.durationMs, context).toBeLessThan(6000);
      expect(outcome.lines.some((line) => /^\(XEN\) Xen version 4\.17/.test(line)), context).toBe(true);
      expect(outcome.lines.some((line) => line.startsWith("F no hvabi bundle")), context).toBe(true);
      expect(outcome.firstKernelLineMs, context).toBeGreaterThan(0);
    },
    // QEMU's own time is bounded above (durationMs); the rest is waiting for one of the machine's
    // two QEMU slots, which the real-Xen suite in another test file may hold for minutes.
    900_000,
  );
});
