import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BundleContext } from '../../src/model/source';
import { contentHash, deepMergeValues } from '../../src/sources/helm';
import { Source } from '../../src/sources/sources';

const ctx: BundleContext = { cluster: { name: 'c', region: 'r', labels: {} }, bundle: 'b', namespace: 'ns', values: {} };

test('values deep-merge, later layers winning', () => {
  expect(deepMergeValues({ a: { b: 1, c: 2 }, l: [1] }, { a: { c: 3 }, l: [2] })).toEqual({ a: { b: 1, c: 3 }, l: [2] });
});

test('a remote chart is refused with how to vendor it', () => {
  expect(() => Source.helm({ chart: 'oci://registry.example.com/charts/redis' }).render(ctx)).toThrow(
    /chart 'oci:\/\/registry\.example\.com\/charts\/redis' needs the network; vendor it/,
  );
});

test('a folder without Chart.yaml and a missing chart are clear errors', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-helm-'));
  try {
    expect(() => Source.helm({ chart: dir }).render(ctx)).toThrow(/has no Chart\.yaml; give a chart folder or a packaged \.tgz/);
    expect(() => Source.helm({ chart: path.join(dir, 'nope') }).render(ctx)).toThrow(/does not exist; give a chart folder/);
    expect(() => Source.kustomize({ dir }).render(ctx)).toThrow(/has no kustomization\.yaml; point kustomize\.dir at a Kustomize folder/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without helm on PATH the error says how to get it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-helm-'));
  const saved = process.env.PATH;
  try {
    fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 0.1.0\n');
    process.env.PATH = dir;
    expect(() => Source.helm({ chart: dir, values: { unique: dir } }).render(ctx)).toThrow(
      'helm is not on PATH; run `bash toolchain/setup.sh --only helm && source toolchain/env.sh`',
    );
  } finally {
    process.env.PATH = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('content hashes change with any file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetwright-helm-'));
  try {
    fs.writeFileSync(path.join(dir, 'a'), '1');
    const before = contentHash(dir);
    fs.writeFileSync(path.join(dir, 'a'), '2');
    expect(contentHash(dir)).not.toBe(before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
