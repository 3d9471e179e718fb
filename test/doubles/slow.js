// Answers every case correctly but takes the given milliseconds per case (default 200).
"use strict";
const { runDouble, healthyResult, write, intArg, ANSWERED } = require("./double");

const delayMs = intArg(0, 200);
const queue = [];
let busy = false;
function next() {
  if (busy || queue.length === 0) return;
  busy = true;
  const { batch, input } = queue.shift();
  setTimeout(() => {
    write(healthyResult(batch, input));
    busy = false;
    next();
  }, delayMs);
}
runDouble("slow", {
  onCase(input, count, batch) {
    queue.push({ batch, input });
    next();
    return ANSWERED;
  },
});
