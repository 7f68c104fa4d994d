// The engine's own count of copies still pending at the end of a run (ready, unacked, delayed,
// in a consumer's hands, or unread by a log group), from its state rather than the event
// stream: the report checks the stream's fold against it (conservation).

import { MsgFlag, MsgState } from './messages';
import type { State } from './state';
import { inFlightOffset } from './log-delivery';

/** Primary copies whose outcome is not decided yet. */
export function pendingCopies(st: State): number {
  const m = st.msgs;
  let n = 0;
  for (let s = 0; s < m.capacity; s++) {
    const state = m.state[s];
    if (state === MsgState.free || state === MsgState.transit) continue;
    if (m.copyOf[s] !== s || (m.flags[s] & (MsgFlag.secondary | MsgFlag.logRecord)) !== 0) continue;
    if (m.outcome[s] === 0) n++;
  }
  // Log copies: each group's retained records it has not processed yet (secondary ones aside).
  for (const g of st.groups) {
    for (let p = 0; p < g.log.partitions; p++) {
      for (let o = Math.max(g.processedUpTo[p], g.log.base[p]); o < g.log.end[p]; o++) {
        if ((m.flags[g.log.recordAt(p, o)] & MsgFlag.secondary) === 0) n++;
      }
      // A record being processed when retention deleted it is still on its way to processed.
      const busy = inFlightOffset(g, p);
      if (busy >= g.processedUpTo[p] && busy < g.log.base[p]) n++;
    }
  }
  return n;
}
