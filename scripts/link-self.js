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

const BIN = path.join(ROOT, 'node_modules', '.bin', 'fleetwright');
const BIN_TARGET = path.join('..', 'fleetwright', 'bin', 'fleetwright.js');

/** Links node_modules/.bin/fleetwright, as npm does for an installed package, so `npx fleetwright` finds it. */
function linkBin() {
  let target;
  try {
    target = fs.readlinkSync(BIN);
  } catch {
    target = undefined;
  }
  if (target === BIN_TARGET) return false;
  if (target !== undefined) fs.unlinkSync(BIN);
  else if (fs.existsSync(BIN)) throw new Error(`${BIN} exists and is not a symlink; remove it to link the fleetwright command`);
  fs.mkdirSync(path.dirname(BIN), { recursive: true });
  fs.symlinkSync(BIN_TARGET, BIN);
  return true;
}

module.exports = { linkSelf, linkBin };

if (require.main === module) {
  if (linkSelf()) console.log(`linked ${path.relative(ROOT, LINK)} → ${TARGET}`);
  if (linkBin()) console.log(`linked ${path.relative(ROOT, BIN)} → ${BIN_TARGET}`);
}
