#!/usr/bin/env node
// The CLI is bundled by `npm run build`; say so plainly when that has not happened yet.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('cellbridge: dist/cli.js is missing; run `npm run build` in ' + path.dirname(__dirname) + ' first.\n');
  process.exit(2);
}
require(bundle).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { process.stderr.write('cellbridge: unexpected failure: ' + (error && error.message ? error.message : String(error)) + '\n'); process.exitCode = 2; },
);
