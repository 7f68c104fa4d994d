// Consumer groups of partitioned logs: who owns which partition (sticky rebalances with commit
// on revoke), offset resets (replay or skip ahead), and what a broker crash does to positions.

import type { Ctx } from './context';
import type { GroupRt } from './log-state';
import type { State } from './state';
import { abandonInFlight, dropHead, inFlightOffset, kick, loseFor } from './log-delivery';

/**
 * Sticky rebalance: live members keep their partitions up to an even share; partitions of
 * members that left (or beyond a member's share when one joins) go to members below their
 * share. A partition taken from a live member is committed first (commit on revoke), so its
 * new owner carries on where it stopped; one taken from a dead member resumes at its last
 * commit, so records processed but not committed are processed again.
 */
export function rebalance(st: State, cx: Ctx, g: GroupRt): void {
  const live = g.members.filter((i) => st.instances[i].up && st.instances[i].connected);
  const parts = g.log.partitions;
  const quota = new Map<number, number>();
  live.forEach((m, k) =>
    quota.set(m, Math.floor(parts / live.length) + (k < parts % live.length ? 1 : 0)),
  );
  const held = new Map<number, number>(live.map((m) => [m, 0]));
  const orphans: number[] = [];
  for (let p = 0; p < parts; p++) {
    const owner = g.owner[p];
    const count = held.get(owner);
    if (count !== undefined && count < quota.get(owner)!) held.set(owner, count + 1);
    else {
      if (count !== undefined && g.localDone[p] > g.committed[p]) g.committed[p] = g.localDone[p];
      orphans.push(p);
    }
  }
  for (const p of orphans) {
    const next = live.find((m) => held.get(m)! < quota.get(m)!) ?? -1;
    if (next >= 0) held.set(next, held.get(next)! + 1);
    g.owner[p] = next;
    resume(st, cx, g, p, g.committed[p]);
  }
  if (orphans.length > 0) rebuildOwned(st, g);
  for (let p = 0; p < parts; p++) kick(st, cx, g, p);
}

/** Each member's owned partitions, in partition order (what commits walk); no one waits. */
function rebuildOwned(st: State, g: GroupRt): void {
  for (const i of g.members) {
    st.instances[i].owned.length = 0;
    st.instances[i].readyParts.clear();
  }
  g.queued.fill(0);
  for (let p = 0; p < g.log.partitions; p++) {
    const owner = g.owner[p];
    if (owner >= 0) st.instances[owner].owned.push(p);
  }
}

function resume(st: State, cx: Ctx, g: GroupRt, p: number, offset: number): void {
  abandonInFlight(st, cx, g, p); // a delivery still being processed elsewhere is now stale
  g.position[p] = offset;
  g.localDone[p] = offset;
}

/** Replay (event sourcing) or skip ahead: every partition of the group moves to one end. */
export function resetOffsets(st: State, cx: Ctx, name: string, to: 'earliest' | 'latest'): void {
  for (const g of st.groups) {
    if (g.name !== name) continue;
    const log = g.log;
    for (let p = 0; p < log.partitions; p++) {
      if (to === 'latest') {
        // Skipping ahead abandons the records not processed yet: those copies are lost.
        for (let o = Math.max(g.processedUpTo[p], log.base[p]); o < log.end[p]; o++)
          loseFor(st, cx, g, p, log.recordAt(p, o), o);
      }
      const offset = to === 'earliest' ? log.base[p] : log.end[p];
      g.committed[p] = offset;
      resume(st, cx, g, p, offset);
    }
    for (let p = 0; p < log.partitions; p++) kick(st, cx, g, p);
  }
}

/**
 * The broker went down. A durable one keeps records and offsets, and members keep their
 * positions (a fetch on the way is fetched again); a transient one loses every record.
 */
export function logsBrokerCrashed(st: State, cx: Ctx, durable: boolean): void {
  if (!durable) {
    for (const log of st.logs) {
      for (let p = 0; p < log.partitions; p++) {
        while (log.records[p].length > 0) dropHead(st, cx, log, p, true);
        for (const g of log.groups) g.committed[p] = log.end[p];
      }
    }
  }
  for (const g of st.groups) {
    for (let p = 0; p < g.log.partitions; p++) {
      const busy = inFlightOffset(g, p);
      if (busy >= 0) resume(st, cx, g, p, busy);
      if (!durable) resume(st, cx, g, p, g.log.end[p]);
    }
  }
}
