// Answers `start` with a protocol version no hvabi speaks.
"use strict";
const { runDouble, hello, write } = require("./double");

runDouble("unknown-protocol", {
  onStart() {
    write({ ...hello("unknown-protocol"), protocol: 99, features: ["telepathy"] });
    return true;
  },
});
