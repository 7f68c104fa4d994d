// Producers: arrivals, sends on each producer's FIFO link, and publisher confirms with retries.
// A tracked publish (confirms on) keeps one record until its outcome is known and no attempt is
// on the way; the broker keeps one accepted copy per target queue for dedup.

import { Ev } from './events';
import { Task } from './tasks';
import type { Engine } from './engine';
import { toUs } from './runtime';
import type { PendingPublish, ProducerRt } from './runtime';

export class Publishing {
  constructor(private readonly e: Engine) {}

  scheduleNextArrival(p: ProducerRt): void {
    const e = this.e;
    const t = p.remaining > 0 ? p.arrivals.next(p.rngArrivals) : Infinity;
    if (t >= p.stopUs || t === Infinity) {
      p.done = true;
      e.activeProducers--;
      e.checkDrained();
    } else e.kernel.at(t, Task.produce, p.index, 0, 0);
  }

  produce(p: ProducerRt): void {
    const e = this.e;
    p.remaining--;
    const seq = ++p.seq;
    const key = p.keys.next(p.rngKeys);
    const size = p.size.sample(p.rngSize);
    const now = e.kernel.nowUs;
    if (p.def.confirm !== null) {
      const targets = e.topo.channelTargets[p.channel].length;
      const rec: PendingPublish = {
        seq,
        key,
        size,
        publishUs: now,
        attempts: 0,
        inFlight: 0,
        done: false,
        owners: new Int32Array(targets).fill(-1),
        acceptUs: new Float64Array(targets),
      };
      p.pending.set(seq, rec);
      e.pendingPublishes++;
      this.attempt(p, rec);
    } else this.send(p, e.newMessage(p.index, seq, key, size, now, now));
    this.scheduleNextArrival(p);
  }

  /** One publish attempt on the producer's FIFO link to the broker. */
  private send(p: ProducerRt, s: number): void {
    const e = this.e;
    const now = e.kernel.nowUs;
    e.obs.onEvent(Ev.published, now, s, p.index, 0);
    if (e.net.zeroLatency && p.partitionUntilUs <= now) e.routing.arriveAtBroker(s, p.channel);
    else {
      p.linkUs = e.net.hopArrival(p.linkUs, p.rngNet, p.partitionUntilUs);
      e.kernel.at(p.linkUs, Task.atBroker, s, p.channel, 0);
    }
  }

  /** Publishes (again) a message awaiting its confirm, with the same id; arms its timeout. */
  private attempt(p: ProducerRt, rec: PendingPublish): void {
    const e = this.e;
    rec.attempts++;
    rec.inFlight++;
    e.kernel.after(p.confirmTimeoutUs, Task.confirmTimeout, p.index, rec.attempts, rec.seq);
    this.send(p, e.newMessage(p.index, rec.seq, rec.key, rec.size, rec.publishUs, rec.publishUs));
  }

  confirmAtProducer(p: ProducerRt, ok: boolean, seq: number): void {
    const rec = p.pending.get(seq);
    if (rec === undefined || rec.done) return;
    if (!ok) return this.retryOrGiveUp(p, rec); // a nack: a failure, retried like an unknown outcome
    rec.done = true;
    this.e.obs.onEvent(Ev.confirmed, this.e.kernel.nowUs, -1, p.index, seq);
    this.retire(p, rec);
  }

  /** No confirm in time: the outcome is unknown, so the message is sent again with the same id. */
  confirmTimeout(p: ProducerRt, attempt: number, seq: number): void {
    const rec = p.pending.get(seq);
    if (rec === undefined || rec.done || rec.attempts !== attempt) return;
    this.retryOrGiveUp(p, rec);
  }

  private retryOrGiveUp(p: ProducerRt, rec: PendingPublish): void {
    const e = this.e;
    if (rec.attempts > p.retries) {
      rec.done = true;
      e.obs.onEvent(Ev.publishFailed, e.kernel.nowUs, -1, p.index, rec.seq);
      this.retire(p, rec);
      return;
    }
    // Exponential backoff: backoff, 2×backoff, 4×backoff, ...
    const delayUs = p.backoffUs * 2 ** Math.min(30, rec.attempts - 1);
    rec.attempts++; // reserves the attempt number, so a late timeout of the previous one is ignored
    e.kernel.after(delayUs, Task.retryPublish, p.index, 0, rec.seq);
  }

  retryPublish(p: ProducerRt, seq: number): void {
    const rec = p.pending.get(seq);
    if (rec === undefined || rec.done) return;
    rec.attempts--;
    this.attempt(p, rec);
  }

  /** Forgets a finished publish once none of its attempts is still on the way. */
  private retire(p: ProducerRt, rec: PendingPublish): void {
    const e = this.e;
    if (!rec.done || rec.inFlight > 0 || !p.pending.has(rec.seq)) return;
    p.pending.delete(rec.seq);
    e.pendingPublishes--;
    for (const owner of rec.owners) if (owner >= 0) e.release(owner);
    e.checkDrained();
  }

  private sendConfirm(p: ProducerRt, seq: number, ok: boolean): void {
    const e = this.e;
    if (e.net.lostConfirm(p)) return; // lost
    const now = e.kernel.nowUs;
    if (e.net.zeroLatency && p.partitionUntilUs <= now) this.confirmAtProducer(p, ok, seq);
    else {
      p.confirmLinkUs = e.net.hopArrival(p.confirmLinkUs, p.rngConfirmNet, p.partitionUntilUs);
      e.kernel.at(p.confirmLinkUs, Task.confirmAtProducer, p.index, ok ? 1 : 0, seq);
    }
  }

  /**
   * A publish attempt of a message awaiting its confirm. A copy the broker already accepted from
   * an earlier attempt is dropped when the producer is idempotent (or within the queue's dedup
   * window); otherwise it is accepted again: a further physical instance of the same copy.
   */
  arriveTracked(p: ProducerRt, rec: PendingPublish, s: number, channel: number): void {
    const e = this.e;
    const m = e.msgs;
    const now = e.kernel.nowUs;
    rec.inFlight--;
    if (!e.brokerUp) {
      // The connection is down: no confirm comes back, and the producer's timeout decides.
      e.obs.onEvent(Ev.rejected, now, s, -1, 0);
      e.release(s);
      return this.retire(p, rec);
    }
    const targets = e.topo.channelTargets[channel];
    if (targets.length === 0) e.obs.onEvent(Ev.unrouted, now, s, channel, 0);
    let refused = false;
    for (let i = 0; i < targets.length; i++) {
      const q = e.queues[targets[i]];
      const owner = rec.owners[i];
      if (owner >= 0) {
        const window = q.options.dedupWindow;
        if (p.def.idempotent || (window !== null && now - rec.acceptUs[i] <= toUs(window))) {
          e.obs.onEvent(Ev.deduplicated, now, s, q.index, 0);
          continue;
        }
        const dup = m.alloc();
        m.copyIdentity(s, dup);
        m.copyOf[dup] = owner;
        m.refs[owner]++;
        e.routing.enqueue(q, dup, 1);
        continue;
      }
      const copy = m.alloc();
      m.copyIdentity(s, copy);
      m.refs[copy]++; // held by the pending publish, so a retry can still find the copy
      if (e.routing.enqueue(q, copy, 0)) {
        rec.owners[i] = copy;
        rec.acceptUs[i] = now;
      } else {
        refused = true;
        e.release(copy);
      }
    }
    e.release(s);
    this.sendConfirm(p, rec.seq, !refused);
    this.retire(p, rec);
  }
}
