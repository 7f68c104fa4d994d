// A replicated log record is committed: every in-sync replica has it. The partition's high
// watermark moves past it (its groups may read it) and, for acks=all, its producer is confirmed.
// A commit scheduled by a leader that has since lost the partition is void.

import type { Ctx } from './context';
import type { State } from './state';
import { catchUp } from './replication';
import { commitUpTo } from './log-delivery';
import { sendConfirm } from './intake';

export function logCommit(st: State, cx: Ctx, a: number, offset: number, epoch: number): void {
  const log = st.logs[Math.floor(a / 65536)];
  const p = a % 65536;
  if (epoch !== log.leaderEpoch[p] || offset >= log.end[p]) return;
  catchUp(log, p, cx.nowUs);
  commitUpTo(st, cx, log, p, offset + 1);
  if (offset < log.base[p]) return; // deleted by retention already
  const m = st.msgs;
  const s = log.recordAt(p, offset);
  const sender = m.producer[s];
  if (sender >= st.producers.length) return;
  const pr = st.producers[sender];
  const rec = pr.acksAll ? pr.pending.get(m.seq[s]) : undefined;
  if (rec !== undefined && !rec.done && rec.owners[0] === s)
    sendConfirm(st, cx, pr, rec, true, cx.nowUs);
}
