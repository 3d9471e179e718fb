#!/usr/bin/env node
// A stand-in for qemu-system-x86_64 in the unit tests of core/xen-qemu/qemu.ts: it prints a
// scripted serial console (Xen's and dom0's lines, as real Xen 4.17 prints them) with delays,
// then exits or hangs. The scenario comes from Xen's command line (the -append value), which
// bootXen passes through untouched: "fake=<scenario> fake-dir=<folder>".
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const argv = process.argv.slice(2);
const append = argv[argv.indexOf("-append") + 1] ?? "";
const option = (name) => (append.split(" ").find((word) => word.startsWith(`${name}=`)) ?? "").slice(name.length + 1);
const scenario = option("fake");
const dir = option("fake-dir");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const out = (text) => process.stdout.write(text);
const line = (text) => out(`${text}\r\n`);
const hang = () => setInterval(() => undefined, 1 << 30);
// Exits once stdout is flushed: a pipe that was full still holds queued lines.
const exit = (code) => process.stdout.write("", () => process.exit(code));

const BANNER = [
  "(XEN) Xen version 4.17.5 (Debian 4.17.5+72-g01140da4e8-1) (pkg-xen-devel@lists.alioth.debian.org) debug=n",
  "(XEN) Command line: " + append,
  "(XEN) *** Building a PV Dom0 ***",
  "(XEN) Freed 656kB init memory",
];
const REGISTERS = Array.from({ length: 30 }, (_, i) => `(XEN) r${i}: ${"0".repeat(16)}`);

async function boot() {
  // Firmware first, as SeaBIOS does: terminal controls, then a line Xen's banner continues.
  out("\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n");
  out("Booting from ROM..");
  for (const text of BANNER) {
    line(text);
    await sleep(5);
  }
  line("H version=4.17.5|caps=xen-3.0-x86_64");
}

async function reboot() {
  line("(XEN) Hardware Dom0 shutdown: rebooting machine");
  line("(XEN) Resetting with ACPI MEMORY or I/O RESET_REG.");
  exit(0);
}

const scenarios = {
  async completed() {
    await boot();
    for (let i = 0; i < 5; i++) {
      line(`R case-${i} ok`);
      await sleep(5);
    }
    await reboot();
  },
  async panic() {
    await boot();
    line("R case-0 ok");
    await sleep(20);
    for (const text of REGISTERS) line(text);
    line("(XEN) ");
    line("(XEN) ****************************************");
    line("(XEN) Panic on CPU 0:");
    line("(XEN) FATAL PAGE FAULT");
    line("(XEN) ****************************************");
    line("(XEN) ");
    line("(XEN) Reboot in five seconds...");
    await sleep(10_000);
    await reboot();
  },
  // The panic message, then silence: the quiet period decides.
  async "panic-silent"() {
    await boot();
    line("(XEN) Panic on CPU 0:");
    line("(XEN) Assertion 'x' failed at common/foo.c:1");
    hang();
  },
  async "dom0-crash"() {
    await boot();
    line("R case-0 ok");
    line("S case-1");
    await sleep(20);
    line("(XEN) d0v0 Unhandled: vec 14, #PF[0002]");
    line("(XEN) domain_crash_sync called from entry.S: fault at ffff82d040200000 entry.o#create_bounce_frame+0x10/0x120");
    line("(XEN) Domain 0 (vcpu#0) crashed on cpu#0:");
    for (const text of REGISTERS) {
      line(text);
      await sleep(2);
    }
    line("(XEN) Hardware Dom0 crashed: rebooting machine in 5 seconds.");
    await sleep(10_000);
    line("(XEN) Resetting with ACPI MEMORY or I/O RESET_REG.");
    exit(0);
  },
  // dom0 asks for SHUTDOWN_crash itself: one line, as the test kernel without a module does.
  async "dom0-shutdown-crash"() {
    await boot();
    line("F no hvabi bundle in the boot module 0");
    line("(XEN) Hardware Dom0 crashed: rebooting machine in 5 seconds.");
    await sleep(10_000);
    exit(0);
  },
  async "domu-crash"() {
    await boot();
    line("R case-0 ok");
    line("(XEN) domain_crash called from common/grant_table.c:1234");
    line("(XEN) Domain 1 (vcpu#0) crashed on cpu#0:");
    for (const text of REGISTERS.slice(0, 5)) line(text);
    line("(XEN) d1v0 Unhandled: vec 13, #GP[0000]");
    line("(XEN) Domain 1 reported crashed by domain 0 on cpu#0:");
    line("(d1) domU says goodbye");
    await sleep(400);
    line("R case-1 crash domU");
    line("R case-2 ok");
    await reboot();
  },
  async halt() {
    await boot();
    line("(XEN) Hardware Dom0 halted: halting machine");
    hang();
  },
  async hang() {
    await boot();
    line("S case-0");
    hang();
  },
  async "triple-fault"() {
    await boot();
    exit(0);
  },
  async fail() {
    process.stderr.write("qemu-system-x86_64: -kernel /x: could not load kernel\n");
    exit(1);
  },
  async "no-newline"() {
    await boot();
    out("R case-0 ok\r\nR case-1 o");
    await sleep(20);
    exit(3);
  },
  // A guest in the same process group (QEMU has none, but the group is what gets killed).
  async grandchild() {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
    fs.writeFileSync(path.join(dir, "grandchild.pid"), String(child.pid));
    fs.writeFileSync(path.join(dir, "qemu.pid"), String(process.pid));
    await boot();
    hang();
  },
  // Records how many fakes are alive at once: a pid file each, counted after creating its own.
  async concurrency() {
    const mine = path.join(dir, `${process.pid}.alive`);
    fs.writeFileSync(mine, "");
    const alive = fs.readdirSync(dir).filter((name) => name.endsWith(".alive")).length;
    fs.appendFileSync(path.join(dir, "counts"), `${alive}\n`);
    await boot();
    await sleep(300);
    fs.unlinkSync(mine);
    await reboot();
  },
  async argv() {
    process.stderr.write(`${JSON.stringify(argv)}\n`);
    await boot();
    await reboot();
  },
  // Floods the console: 24 MiB of short lines, then a clean end.
  async flood() {
    await boot();
    const chunk = `${"x".repeat(79)}\n`.repeat(1024);
    for (let i = 0; i < 300; i++) {
      if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once("drain", resolve));
    }
    line("R the end");
    await reboot();
  },
};

const run = scenarios[scenario];
if (run === undefined) {
  process.stderr.write(`fake-qemu: unknown scenario ${JSON.stringify(scenario)}\n`);
  process.exit(2);
}
run();
