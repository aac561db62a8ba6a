import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  assertReplaceable,
  cleanLeftovers,
  OWNER_MARKER,
  protectedReason,
  replaceOwnedDir,
  UnsafePathError,
} from '../../src/synth/owned-dir';
import { tmpDir } from '../util';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('what may never be replaced', () => {
  test.each([
    ['/', 'it is the root of the file system'],
    [os.homedir(), 'it is your home folder'],
    [process.cwd(), 'it is the working directory'],
    [path.dirname(process.cwd()), 'it contains the working directory'],
  ])('%s: %s', (dir, reason) => {
    expect(protectedReason(dir)).toBe(reason);
    expect(() => assertReplaceable(dir, 'synth', '--out')).toThrow(`because ${reason}; pass a dedicated folder such as --out dist`);
  });

  test('a git work tree root, even an empty one', () => {
    const { dir, cleanup } = tmpDir();
    try {
      fs.mkdirSync(path.join(dir, '.git'));
      expect(() => assertReplaceable(dir, 'synth', '--out')).toThrow('because it is the root of a git work tree');
    } finally {
      cleanup();
    }
  });
});

describe('ownership', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tmpDir()));
  afterEach(() => cleanup());

  test('a new or empty folder may be written; the result carries the marker', () => {
    const out = path.join(dir, 'out');
    assertReplaceable(out, 'synth', '--out');
    replaceOwnedDir(out, 'synth', files({ 'a/b.yaml': 'x', 'index.json': '{}' }));
    expect(JSON.parse(fs.readFileSync(path.join(out, OWNER_MARKER), 'utf8'))).toEqual({
      generator: 'fleetwright',
      purpose: 'synth',
      files: ['a/b.yaml', 'index.json'],
    });
    fs.mkdirSync(path.join(dir, 'empty'));
    expect(() => assertReplaceable(path.join(dir, 'empty'), 'synth', '--out')).not.toThrow();
  });

  test('a folder of other files is refused and left as it was', () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    expect(() => assertReplaceable(dir, 'synth', '--out')).toThrow(UnsafePathError);
    expect(() => assertReplaceable(dir, 'synth', '--out')).toThrow(
      /holds 1 file\(s\) fleetwright did not write \(e\.g\. notes\.txt\); fleetwright only replaces a folder it created\. Pass a new or empty folder/,
    );
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  test('a file fleetwright did not write inside its own folder is named and protects the folder', () => {
    const out = path.join(dir, 'out');
    replaceOwnedDir(out, 'synth', files({ 'index.json': '{}' }));
    fs.writeFileSync(path.join(out, 'README.md'), 'mine');
    expect(() => assertReplaceable(out, 'synth', '--out')).toThrow(
      'holds 1 file(s) fleetwright did not write: README.md; move them out of the folder (they would be deleted), then run again',
    );
  });

  test('a folder another command wrote is not replaced by synth', () => {
    const out = path.join(dir, 'out');
    replaceOwnedDir(out, 'init', files({ 'x.ts': '' }));
    expect(() => assertReplaceable(out, 'synth', '--out')).toThrow('fleetwright did not write');
  });

  test('a file where a folder belongs is refused', () => {
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expect(() => assertReplaceable(path.join(dir, 'file'), 'synth', '--out')).toThrow('this is a file, not a folder; pass a folder path');
  });

  test("an interrupted run's staging folder is removed by the next run; another live run's is not", () => {
    const out = path.join(dir, 'out');
    const dead = path.join(dir, '.out.fleetwright-tmp-999999999');
    const live = path.join(dir, `.out.fleetwright-tmp-${process.pid}`);
    for (const d of [dead, live]) {
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, OWNER_MARKER), JSON.stringify({ generator: 'fleetwright', purpose: 'synth', files: [] }));
    }
    expect(cleanLeftovers(out)).toEqual([dead]);
    expect(fs.existsSync(live)).toBe(true);
  });

  test('a failed write leaves the old folder in place and no staging folder', () => {
    const out = path.join(dir, 'out');
    replaceOwnedDir(out, 'synth', files({ 'index.json': 'old' }));
    // A path that cannot be written: a file where a folder must go.
    expect(() => replaceOwnedDir(out, 'synth', files({ 'index.json': 'new', 'index.json/x': 'y' }))).toThrow();
    expect(fs.readFileSync(path.join(out, 'index.json'), 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });
});
