#!/usr/bin/env node
// Links node_modules/fleetwright → .. (this repository), so the examples inside it resolve
// `fleetwright` and `fleetwright/pulumi` as a user's project does, without installing the package.
// Idempotent: a correct link is left alone, a wrong one replaced; a real folder there is not touched.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const LINK = path.join(ROOT, 'node_modules', 'fleetwright');
const TARGET = '..';

function linkSelf() {
  let stat;
  try {
    stat = fs.lstatSync(LINK);
  } catch {
    stat = undefined;
  }
  if (stat?.isSymbolicLink()) {
    if (fs.realpathSync(LINK) === fs.realpathSync(ROOT)) return false;
    fs.unlinkSync(LINK);
  } else if (stat) {
    throw new Error(`${LINK} exists and is not a symlink; remove it to link fleetwright to this repository`);
  }
  fs.mkdirSync(path.dirname(LINK), { recursive: true });
  // Windows makes a junction, which needs an absolute target.
  fs.symlinkSync(process.platform === 'win32' ? ROOT : TARGET, LINK, 'junction');
  return true;
}

module.exports = { linkSelf };

if (require.main === module) {
  if (linkSelf()) console.log(`linked ${path.relative(ROOT, LINK)} → ${TARGET}`);
}
