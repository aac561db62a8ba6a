#!/usr/bin/env node
// Removes stale compiler output from lib/: every file whose source (src/<same path>.ts) no longer
// exists, so `npm pack` (prepack runs this, then prepare builds) never ships modules that were
// moved or deleted. Only stale files are touched; current outputs stay, so a concurrent test run
// that uses lib/ is not disturbed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const LIB = path.join(ROOT, 'lib');
const SRC = path.join(ROOT, 'src');
const OUTPUT = /(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/;

let removed = 0;
function prune(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      prune(p);
      if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
      continue;
    }
    const rel = path.relative(LIB, p);
    const m = OUTPUT.exec(rel);
    const source = m ? path.join(SRC, rel.slice(0, -m[1].length) + '.ts') : undefined;
    if (!source || !fs.existsSync(source)) {
      fs.rmSync(p);
      removed++;
    }
  }
}
if (fs.existsSync(LIB)) prune(LIB);
if (removed > 0) process.stderr.write(`prune-lib: removed ${removed} stale file(s) from lib/\n`);
