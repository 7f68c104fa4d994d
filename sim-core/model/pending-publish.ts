// A tracked publish (publisher confirms on) keeps one record until its outcome is known and no
// attempt of it is on the way; the record holds the broker's accepted copy per target queue, so
// a retry can find it (dedup, or a further physical instance of the same copy). While it does,
// the copy's outcome stays open: a retry may still bring it to a consumer.

import type { Ctx } from './context';
import type { PendingPublish, ProducerRt } from './entities';
import type { State } from './state';
import { checkDrained, letGo, release } from './copies';
import { MsgFlag } from './messages';

/** Forgets a finished publish once none of its attempts is still on the way. */
export function retire(st: State, cx: Ctx, p: ProducerRt, rec: PendingPublish): void {
  if (!rec.done || rec.inFlight > 0 || !p.pending.has(rec.seq)) return;
  p.pending.delete(rec.seq);
  st.pendingPublishes--;
  for (const owner of rec.owners) {
    if (owner < 0) continue;
    // No retry can bring this copy back any more (a log record has no holders to count).
    if ((st.msgs.flags[owner] & MsgFlag.logRecord) === 0) letGo(st, cx, owner);
    release(st, cx, owner);
  }
  checkDrained(st, cx);
}
