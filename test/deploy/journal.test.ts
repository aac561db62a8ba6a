import { formatRun, parseRuns, RUN_TAG_PREFIX, skipsCheckpoints } from '../../src/deploy/journal';

test('runs skip per-step checkpoints unless the user set PULUMI_SKIP_CHECKPOINTS to something Pulumi does not take as true', () => {
  expect(skipsCheckpoints({})).toBe(true);
  expect(skipsCheckpoints({ PULUMI_SKIP_CHECKPOINTS: 'true' })).toBe(true);
  expect(skipsCheckpoints({ PULUMI_SKIP_CHECKPOINTS: 'TRUE' })).toBe(true);
  expect(skipsCheckpoints({ PULUMI_SKIP_CHECKPOINTS: '1' })).toBe(true);
  expect(skipsCheckpoints({ PULUMI_SKIP_CHECKPOINTS: 'false' })).toBe(false);
  expect(skipsCheckpoints({ PULUMI_SKIP_CHECKPOINTS: '0' })).toBe(false);
  expect(skipsCheckpoints({ PULUMI_SKIP_CHECKPOINTS: '' })).toBe(false);
});

test('a run record survives the round trip through a stack tag, and only fleetwright run tags are runs', () => {
  const run = { pid: 4242, host: 'ci-runner-7', started: '2026-12-02T09:11:12.000Z', command: 'fleetwright up --region us-west --shard 2' };
  const tags = { [`${RUN_TAG_PREFIX}0a1b2c3d`]: formatRun(run), 'pulumi:project': 'edge', 'fleetwright:owner': 'platform' };
  expect(parseRuns(tags)).toEqual([{ tag: `${RUN_TAG_PREFIX}0a1b2c3d`, ...run }]);
});

test("a run's tag value stays within Pulumi's 256 characters, shortening a long command", () => {
  const run = { pid: 1, host: 'h', started: '2026-12-02T09:11:12.000Z', command: `fleetwright --fleet ${'x/'.repeat(200)}fleet.ts up` };
  const value = formatRun(run);
  expect(value.length).toBeLessThanOrEqual(256);
  const [parsed] = parseRuns({ [`${RUN_TAG_PREFIX}1`]: value });
  expect(parsed.command).toMatch(/^fleetwright --fleet x\/x\/.*…$/);
  expect(parsed.pid).toBe(1);
});

test('a run tag that is not JSON (edited by hand, cut short) is still a run whose end was not recorded', () => {
  expect(parseRuns({ [`${RUN_TAG_PREFIX}ff`]: '{"pid":12' })).toEqual([
    { tag: `${RUN_TAG_PREFIX}ff`, pid: 0, host: '?', started: '?', command: 'fleetwright' },
  ]);
});
