// Stops answering (and reading) on the N-th case each incarnation sees
// (argument, default 2); with "handshake" as the argument, never answers `start`.
"use strict";
const { runDouble, intArg, HEALTHY, HALTED } = require("./double");

const inHandshake = process.argv[2] === "handshake";
const n = intArg(0, 2);
const double = runDouble("hang", {
  onStart() {
    if (!inHandshake) return false;
    double.halt();
    return true;
  },
  onCase(input, count) {
    if (count !== n) return HEALTHY;
    process.stderr.write(`double: stuck in ${input.id}\n`);
    return HALTED;
  },
});
