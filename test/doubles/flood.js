// On the N-th case each incarnation sees (argument, default 2), writes stdout
// without end and without a newline, and does nothing else.
"use strict";
const { runDouble, intArg, HEALTHY, HALTED } = require("./double");

const n = intArg(0, 2);
const chunk = Buffer.alloc(64 * 1024, "x");
function flood() {
  while (process.stdout.write(chunk));
  process.stdout.once("drain", flood);
}
runDouble("flood", {
  onCase(input, count) {
    if (count !== n) return HEALTHY;
    process.stdout.write(`{"reply":"result","id":"${input.id}","padding":"`);
    flood();
    return HALTED;
  },
});
