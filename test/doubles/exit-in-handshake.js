// Exits with status 2 on reading `start`, after printing why on stderr.
// With a state file and a number K as arguments, the first K starts succeed
// (and then every case crashes), so the failure hits a restart.
"use strict";
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const { runDouble, intArg } = require("./double");

const stateFile = process.argv[2];
const healthyStarts = stateFile === undefined ? 0 : intArg(1, 1);
let starts = 0;
if (stateFile !== undefined) {
  starts = existsSync(stateFile) ? Number(readFileSync(stateFile, "utf8")) : 0;
  writeFileSync(stateFile, String(starts + 1));
}
runDouble("exit-in-handshake", {
  onStart() {
    if (starts < healthyStarts) return false;
    process.stderr.write("double: cannot open /dev/hypervisor: No such device\n");
    process.exit(2);
  },
  onCase() {
    process.stderr.write("double: crashing so that the runner restarts me\n");
    process.exit(1);
  },
});
