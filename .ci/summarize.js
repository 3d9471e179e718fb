// Prints "N passed, N failed" from vitest's JSON report. A run that produced no
// report (the build or vitest itself failed) counts as one failure.
"use strict";
const { readFileSync } = require("node:fs");

const [file, status] = process.argv.slice(2);
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  if (report.numFailedTestSuites > 0 && failed === 0) failed = report.numFailedTestSuites;
} catch {
  failed = 1;
}
if (Number(status) !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
