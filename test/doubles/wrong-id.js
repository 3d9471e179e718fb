// Answers every case with a valid result under the wrong case id.
"use strict";
const { runDouble, healthyResult, write, ANSWERED } = require("./double");

runDouble("wrong-id", {
  onCase(input, count, batch) {
    write({ ...healthyResult(batch, input), id: `${input.id}.not-this-one` });
    return ANSWERED;
  },
});
