// Crashes (exit status 1, a message on stderr) on the N-th case each incarnation sees (argument, default 3).
"use strict";
const { runDouble, intArg, HEALTHY } = require("./double");

const n = intArg(0, 3);
runDouble("crash-on-nth", {
  onCase(input, count) {
    if (count !== n) return HEALTHY;
    process.stderr.write(`double: simulated crash in ${input.id}\n  at handle_case (double.c:42)\n`);
    process.exit(1);
  },
});
