// Answers every case well, but on `stop` says goodbye on stdout and exits with status 3.
"use strict";
const { createInterface } = require("node:readline");
const { hello, healthyResult, write } = require("./double");

createInterface({ input: process.stdin }).on("line", (line) => {
  const request = JSON.parse(line);
  if (request.cmd === "start") write(hello("sloppy-stop"));
  else if (request.cmd === "run") for (const input of request.cases) write(healthyResult(request.batch, input));
  else {
    write("bye!");
    process.exit(3);
  }
});
