import * as os from 'node:os';
import { lockedMessage, LockHolder, locksFromMessage, runningMessage, StackRef } from '../../src/deploy/recovery';

const ref: StackRef = {
  stack: 'us-west.2',
  region: 'us-west',
  project: 'edge',
  env: {},
  rerun: 'npx fleetwright up --region us-west --shard 2',
};

/** The engine's lock error on a PostgreSQL backend (pulumi masks the credentials in the address). */
const engineMessage = (host: string, pid: number): string =>
  'error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n' +
  `  postgres://****:****@127.0.0.1:23784/pulumi/.pulumi/locks/organization/edge/us-west.2/7972f7f6.json?sslmode=disable&table=pulumi_state: created by ci@${host} (pid ${pid}) at 2026-12-02T09:11:12Z`;

test('a lock on another host, read from the engine’s message, names the holder and how to remove it, without the address', () => {
  const locks = locksFromMessage(engineMessage('runner-7', 4242));
  expect(locks).toEqual([
    { file: '', pid: 4242, username: 'ci', hostname: 'runner-7', timestamp: '2026-12-02T09:11:12Z', holder: LockHolder.UNKNOWN },
  ]);
  const text = lockedMessage(ref, locks);
  expect(text).toContain('stack us-west.2 (region us-west) is locked by a run on host runner-7 (pulumi pid 4242, user ci');
  expect(text).toContain('pulumi cancel --yes --stack us-west.2');
  expect(text).not.toContain('postgres://');
});

test('a lock on this machine whose process is gone is not taken for a running one', () => {
  const [lock] = locksFromMessage(engineMessage(os.hostname(), 2 ** 22 + 12345));
  expect(lock.holder).toBe(LockHolder.UNKNOWN);
});

test('a message without a holder gives no lock', () => {
  expect(locksFromMessage('error: the stack is currently locked by 1 lock(s).')).toEqual([]);
});

test('a stack another fleetwright run on this machine is about to deploy names that run and says nothing was changed', () => {
  const text = runningMessage(ref, {
    tag: 'fleetwright:run-0a1b2c3d',
    pid: 4242,
    host: os.hostname(),
    started: new Date(Date.now() - 5000).toISOString(),
    command: 'fleetwright up --region us-west --shard 2',
  });
  expect(text).toMatch(
    /^stack us-west\.2 \(region us-west\) is being deployed by a run that is still going: `fleetwright up --region us-west --shard 2` \(pid 4242, /,
  );
  expect(text).toMatch(
    /\d+s ago\)\.\nNothing was changed\. Wait for that run to finish, then rerun `npx fleetwright up --region us-west --shard 2`\.$/,
  );
});
