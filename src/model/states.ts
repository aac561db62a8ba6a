/**
 * Fleet's bundle states and their ranking (rancher/fleet `summary.GetDeploymentState`,
 * `StateRank`), shared by the stack outputs and the live status.
 */

/**
 * The state of a bundle on a cluster, as Fleet names them, plus `Unknown` when the cluster could not
 * be read.
 */
export type BundleState = 'Unknown' | 'ErrApplied' | 'WaitApplied' | 'Modified' | 'OutOfSync' | 'Pending' | 'NotReady' | 'Ready';

/**
 * Rank of each state for roll-ups (higher is worse), as Fleet ranks them; `Unknown` (a cluster
 * that could not be read) ranks above all of them, because nothing about it can be promised.
 */
export const STATE_RANK: Readonly<Record<BundleState, number>> = {
  Unknown: 8,
  ErrApplied: 7,
  WaitApplied: 6,
  Modified: 5,
  OutOfSync: 4,
  Pending: 3,
  NotReady: 2,
  Ready: 1,
};

/** Every state, worst first. */
export const STATES_WORST_FIRST: readonly BundleState[] = (Object.keys(STATE_RANK) as BundleState[]).sort(
  (a, b) => STATE_RANK[b] - STATE_RANK[a],
);

/** The worst of several states (Ready when there are none). */
export function worstState(states: Iterable<BundleState>): BundleState {
  let worst: BundleState = 'Ready';
  for (const s of states) if (STATE_RANK[s] > STATE_RANK[worst]) worst = s;
  return worst;
}
