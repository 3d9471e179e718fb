// Leaves out the result of every physinfo case, answering the next case straight away.
"use strict";
const { runDouble, ANSWERED, HEALTHY } = require("./double");

runDouble("omits", {
  onCase(input) {
    return input.id.includes("physinfo") ? ANSWERED : HEALTHY;
  },
});
