// Uses every outcome: `skipped` for set-version cases, `errored` (with a line on stderr) for
// physinfo cases, `observed` for the rest.
"use strict";
const { runDouble, write, ANSWERED, HEALTHY } = require("./double");

runDouble("outcomes", {
  onCase(input, count, batch) {
    const head = { reply: "result", batch, id: input.id, profile: input.profile };
    if (input.id.includes("set-version")) {
      write({ ...head, outcome: "skipped", reason: "set_version is not modelled yet" });
      return ANSWERED;
    }
    if (input.id.includes("physinfo")) {
      process.stderr.write(`double: physinfo failed in ${input.profile}\n`);
      write({ ...head, outcome: "errored", message: "physinfo: no host model (core.c:17)" });
      return ANSWERED;
    }
    return HEALTHY;
  },
});
