// The healthy part every test double shares: a protocol core that answers
// each step "ok" (what the fixture cases in test/fixtures/protocol expect).
// Each double overrides one moment — start, a case — to misbehave.
"use strict";
const { createInterface } = require("node:readline");

const OPERATIONS = [
  "boot", "create_domain", "physinfo", "mem_write", "mem_read", "grant_write", "gnttab_map_grant_ref",
  "gnttab_unmap_grant_ref", "gnttab_copy", "gnttab_set_version", "gnttab_get_version",
  "gnttab_get_status_frames", "gnttab_transfer",
];

function hello(name) {
  return {
    reply: "hello",
    protocol: 1,
    implementation: { name: `double-${name}`, version: "0", profiles: ["xen-4.22", "seed-proposals"], areas: ["gnttab"], operations: OPERATIONS },
  };
}

function healthyResult(batch, input) {
  return { reply: "result", batch, id: input.id, profile: input.profile, outcome: "observed", steps: input.steps.map(() => ({ result: "ok" })) };
}

const write = (message) => process.stdout.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`);

/** What `onCase` did: nothing (answer healthily), answered itself, or halted (reads and answers nothing more). */
const HEALTHY = "healthy";
const ANSWERED = "answered";
const HALTED = "halted";

/**
 * Runs a double. `onStart(request)` returns true when it has handled the
 * handshake itself; `onCase(input, count, batch)` is called for the count-th
 * case this process has seen (from 1) and returns HEALTHY, ANSWERED or HALTED.
 */
function runDouble(name, { onStart, onCase } = {}) {
  let count = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const halt = () => {
    lines.close();
    process.stdin.pause();
    // Stay alive, idle, like a core stuck in a blocking call.
    setInterval(() => undefined, 60_000);
  };
  lines.on("line", (line) => {
    const request = JSON.parse(line);
    if (request.cmd === "start") {
      if (onStart && onStart(request)) return;
      write(hello(name));
    } else if (request.cmd === "run") {
      for (const input of request.cases) {
        count += 1;
        const did = onCase ? onCase(input, count, request.batch) : HEALTHY;
        if (did === HALTED) return halt();
        if (did === HEALTHY) write(healthyResult(request.batch, input));
      }
    } else if (request.cmd === "stop") {
      process.exit(0);
    }
  });
  return { halt };
}

/** The n-th command-line argument as a positive integer, or the default. */
function intArg(index, fallback) {
  const value = Number(process.argv[2 + index]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

module.exports = { runDouble, healthyResult, write, hello, intArg, HEALTHY, ANSWERED, HALTED };
