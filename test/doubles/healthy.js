// A well-behaved core: every step "ok", a line of stderr per batch. The baseline the faulty doubles depart from.
"use strict";
const { runDouble, HEALTHY } = require("./double");

runDouble("healthy", {
  onCase(input, count) {
    if (count === 1) process.stderr.write("double: healthy and ready\n");
    return HEALTHY;
  },
});
