// Declares a profile, an area and an operation the spec does not know, besides real ones.
"use strict";
const { runDouble, hello, write } = require("./double");

runDouble("strange-hello", {
  onStart() {
    const greeting = hello("strange-hello");
    const { implementation } = greeting;
    write({ ...greeting, implementation: { ...implementation, profiles: [...implementation.profiles, "xen-9.99"], areas: [...implementation.areas, "vga"], operations: [...implementation.operations, "teleport"] } });
    return true;
  },
});
