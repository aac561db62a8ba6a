// Builds lib/ when a source file is newer than it, so tests that run the real CLI process
// (bin/fleetwright.js → lib/) exercise the code under test.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { linkBin, linkSelf } = require('../scripts/link-self');

const ROOT = path.resolve(__dirname, '..');
const SOURCES = ['src'];

function newest(dir) {
  let t = 0;
  if (!fs.existsSync(dir)) return t;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

module.exports = async function globalSetup() {
  // The examples import 'fleetwright' as a user's project does: node_modules/fleetwright → the repository.
  linkSelf();
  linkBin();
  const built = path.join(ROOT, 'lib', 'cli', 'main.js');
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (SOURCES.some((d) => newest(path.join(ROOT, d)) > builtAt)) {
    // Stamped with the time the build started: a source saved while tsc runs is newer, so it is built next time.
    const started = new Date();
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('building lib/ failed (tsc -p tsconfig.build.json)');
    fs.utimesSync(built, started, started);
  }
};
