// Answers every case with a line that is not a valid result: alternately not JSON at all
// and JSON that breaks the schema.
"use strict";
const { runDouble, write, ANSWERED } = require("./double");

runDouble("garbage", {
  onCase(input, count, batch) {
    if (count % 2 === 1) write(`DEBUG: running ${input.id} <<not json>>`);
    else write({ reply: "result", batch, id: input.id, profile: input.profile, outcome: "observed", steps: [{ result: "fine" }] });
    return ANSWERED;
  },
});
