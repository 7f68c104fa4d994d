// A processing's side effect: once per copy (processed), again (reprocessed: a duplicate), or
// skipped by an idempotent consumer that has seen the message id (suppressed); then the
// consumer's onward emits (event-driven chains).

import { Ev } from './events';
import { Task } from './tasks';
import type { Ctx } from './context';
import type { ConsumerRt, InstanceRt } from './entities';
import type { State } from './state';
import { newMessage } from './copies';
import { hopArrival, inlineHop } from './network';
import { sendReply } from './requests';

/**
 * Runs (or, for an idempotent consumer that has seen the id, suppresses) a side effect, and
 * emits onward. `first`: the copy's first processing, which decides its outcome.
 */
export function sideEffect(
  st: State,
  cx: Ctx,
  s: number,
  inst: InstanceRt,
  startUs: number,
  first: boolean,
): void {
  const m = st.msgs;
  const seen = inst.idempotent ? st.queues[inst.queue].processedIds : null;
  if (seen !== null) {
    const id = m.producer[s] * 2147483648 + m.seq[s];
    if (seen.has(id)) {
      cx.emit(Ev.suppressed, s, inst.index, 0);
      return;
    }
    seen.add(id);
  }
  const kind = first ? Ev.processed : Ev.reprocessed;
  cx.emitProcessing(kind, s, inst.index, inst.consumer, inst.queue, startUs, first);
  if (st.requests) sendReply(st, cx, s, inst);
  const c = st.consumers[inst.consumer];
  if (c.sender >= 0) emitOnward(st, cx, s, inst, c);
}

/**
 * Event-driven chains: after its side effect the consumer publishes onward. The new message
 * has its own id (`consumerId:seq`), keeps the key, and remembers the chain's origin time.
 */
function emitOnward(st: State, cx: Ctx, s: number, inst: InstanceRt, c: ConsumerRt): void {
  const m = st.msgs;
  const now = cx.nowUs;
  for (let i = 0; i < c.emitChannels.length; i++) {
    const pr = c.emitProbabilities[i];
    if (pr < 1 && inst.rngEmit.nextFloat() >= pr) continue;
    const seq = ++c.emitSeq;
    const x = newMessage(
      st,
      cx,
      c.sender,
      seq,
      m.key[s],
      m.size[s],
      now,
      m.originUs[s],
      c.label,
      0,
    );
    cx.emit(Ev.published, x, c.sender, 0);
    if (inlineHop(st.hopAck, now, inst.partitionUntilUs))
      cx.run(Task.atBroker, x, c.emitChannels[i], 0);
    else {
      inst.linkToBrokerUs = hopArrival(
        st.hopAck,
        now,
        inst.linkToBrokerUs,
        inst.rngNet,
        inst.partitionUntilUs,
      );
      cx.at(inst.linkToBrokerUs, Task.atBroker, x, c.emitChannels[i], 0);
    }
  }
}
