// Producers: arrivals, sends on each producer's FIFO link, and publisher confirms with retries.
// A tracked publish (confirms on) keeps one record until its outcome is known and no attempt is
// on the way (see pending-publish.ts); the broker's side of a publish is intake.ts. A batching
// producer with confirms sends, times out and retries each batch as one unit (PendingBatch).

import { Ev } from './events';
import { MsgFlag } from './messages';
import { Task } from './tasks';
import type { Ctx } from './context';
import type { BatchRt, PendingBatch, PendingPublish, ProducerRt } from './entities';
import type { State } from './state';
import { checkDrained, newMessage, release } from './copies';
import { retire } from './pending-publish';
import { hopArrival, inlineHop } from './network';
import { queueTargets } from './intake';
import { openRequest } from './requests';
import { alarmCleared, alarmed } from './flow-control';
import { accepted } from './ordering';

export function scheduleNextArrival(st: State, cx: Ctx, p: ProducerRt): void {
  const t = p.remaining > 0 ? p.arrivals.next(p.rngArrivals) : Infinity;
  if (t >= p.stopUs || t === Infinity) {
    p.done = true;
    st.activeProducers--;
    checkDrained(st, cx);
  } else cx.at(t, Task.produce, p.index, 0, 0);
}

/** The producer's next message: published now, and the next arrival scheduled. */
export function produce(st: State, cx: Ctx, p: ProducerRt): void {
  publishOne(st, cx, p);
  scheduleNextArrival(st, cx, p);
}

/** Publishes one new message from p now, as its arrivals do (also the port for injected ones). */
export function publishOne(st: State, cx: Ctx, p: ProducerRt): void {
  p.remaining--;
  const seq = ++p.seq;
  const key = p.keys.next(p.rngKeys);
  const size = p.size.sample(p.rngSize);
  const label = p.labels === null ? 0 : p.nextLabel();
  const priority = p.nextPriority();
  const delayUs = p.delay === null ? 0 : p.delay.sampleUs(p.rngDelay);
  const now = cx.nowUs;
  if (p.requests !== null) openRequest(st, cx, p, seq);
  if (p.tracked) {
    // A log holds one record per publish; a queue, topic or exchange a copy per queue.
    const log = st.logByChannel[p.channel] !== undefined;
    const targets = log ? 1 : queueTargets(st, p.channel, label).length;
    const rec: PendingPublish = {
      seq,
      key,
      size,
      label,
      priority,
      delayUs,
      publishUs: now,
      attempts: 0,
      inFlight: 0,
      done: false,
      owners: new Int32Array(targets).fill(-1),
      acceptUs: new Float64Array(targets),
      batch: null,
    };
    p.pending.set(seq, rec);
    st.pendingPublishes++;
    if (p.ordered && key >= 0) {
      const seqs = p.unaccepted.get(key);
      if (seqs === undefined) p.unaccepted.set(key, [seq]);
      else seqs.push(seq);
    }
    if (p.batch !== null) {
      p.batch.recs.push(rec);
      batchAdded(st, cx, p, p.batch, size, p.batch.recs.length);
    }
    // With an in-flight limit, a publish waits for a slot behind those waiting before it.
    else if (p.unconfirmed >= p.maxInFlight || p.waiting.length > 0) p.waiting.push(rec);
    else {
      p.unconfirmed++;
      attempt(st, cx, p, rec);
    }
  } else {
    const s = newMessage(st, cx, p.index, seq, key, size, now, now, label, priority);
    if (delayUs > 0) st.msgs.delayUs![s] = delayUs;
    if (p.batch === null) send(st, cx, p, s);
    else {
      p.batch.slots.pushBack(s);
      batchAdded(st, cx, p, p.batch, size, p.batch.slots.length);
    }
  }
}

/** A message joined p's open batch (now `held` long): closes it once full; a new one lingers. */
function batchAdded(
  st: State,
  cx: Ctx,
  p: ProducerRt,
  b: BatchRt,
  size: number,
  held: number,
): void {
  b.bytes += size;
  if (held >= b.maxMessages || b.bytes >= b.maxBytes || b.lingerUs === 0) closeBatch(st, cx, p, b);
  else if (held === 1) cx.after(b.lingerUs, Task.lingerEnd, p.index, 0, b.sent + 1);
}

/** A batch's linger is over: close it, unless it was closed full already. */
export function lingerEnd(st: State, cx: Ctx, p: ProducerRt, batchNo: number): void {
  const b = p.batch!;
  if (b.sent + 1 === batchNo && (b.slots.length > 0 || b.recs.length > 0)) closeBatch(st, cx, p, b);
}

/**
 * Closes p's open batch. Without confirms it is sent now; with them it becomes a PendingBatch,
 * which takes an in-flight slot or waits for one.
 */
function closeBatch(st: State, cx: Ctx, p: ProducerRt, b: BatchRt): void {
  b.sent++;
  b.bytes = 0;
  if (b.recs.length === 0) return sendBatch(st, cx, p, b.slots);
  const recs = b.recs.splice(0);
  const batch: PendingBatch = { id: b.sent, recs, left: recs.length, attempts: 0 };
  for (const rec of recs) rec.batch = batch;
  if (p.unconfirmed >= p.maxInFlight || p.waitingBatches.length > 0) p.waitingBatches.push(batch);
  else {
    p.unconfirmed++;
    attemptBatch(st, cx, p, batch);
  }
}

/** Sends (again) the batch's members not yet settled, as one unit, and arms its timeout. */
function attemptBatch(st: State, cx: Ctx, p: ProducerRt, batch: PendingBatch): void {
  batch.attempts++;
  p.flights.set(batch.id, batch);
  cx.after(p.confirmTimeoutUs, Task.batchTimeout, p.index, batch.attempts, batch.id);
  const staged = p.batch!.slots; // empty: a confirming producer's batches hold records instead
  for (const rec of batch.recs) {
    if (rec.done) continue;
    rec.attempts = batch.attempts;
    rec.inFlight++;
    const { seq, key, size, publishUs, label, priority } = rec;
    const s = newMessage(st, cx, p.index, seq, key, size, publishUs, publishUs, label, priority);
    if (rec.delayUs > 0) st.msgs.delayUs![s] = rec.delayUs;
    staged.pushBack(s);
  }
  sendBatch(st, cx, p, staged);
}

/**
 * The batch's confirm timeout: the members not confirmed by now (none answered, or nacked) are
 * sent again together, after the backoff, or given up once its retries are spent.
 */
export function batchTimeout(
  st: State,
  cx: Ctx,
  p: ProducerRt,
  attemptNo: number,
  id: number,
): void {
  const batch = p.flights.get(id);
  if (batch === undefined || batch.attempts !== attemptNo) return;
  if (batch.attempts > p.retries) {
    for (const rec of batch.recs) if (!rec.done) giveUp(st, cx, p, rec);
    return;
  }
  cx.after(backoffUs(p, batch.attempts), Task.retryBatch, p.index, 0, id);
}

export function retryBatch(st: State, cx: Ctx, p: ProducerRt, id: number): void {
  const batch = p.flights.get(id);
  if (batch !== undefined && batch.left > 0) attemptBatch(st, cx, p, batch);
}

/** A member of the batch is settled; the last one frees the batch's in-flight slot. */
function batchMemberSettled(st: State, cx: Ctx, p: ProducerRt, batch: PendingBatch): void {
  if (--batch.left > 0) return;
  p.flights.delete(batch.id);
  p.unconfirmed--;
  while (p.unconfirmed < p.maxInFlight && p.waitingBatches.length > 0) {
    p.unconfirmed++;
    attemptBatch(st, cx, p, p.waitingBatches.shift()!);
  }
}

/** Sends a batch's messages as one unit: one trip on the link, its messages in order. */
function sendBatch(st: State, cx: Ctx, p: ProducerRt, slots: BatchRt['slots']): void {
  const now = cx.nowUs;
  const n = slots.length;
  const blocked =
    st.memoryLimit !== Infinity &&
    (p.blocked.length > 0 || alarmed(st, cx, slots.peekFront(), p.channel));
  if (blocked) {
    // Blocked by a memory alarm: its messages wait in the client and go one by one later.
    while (slots.length > 0) block(cx, p, slots.popFront());
    return;
  }
  cx.emitPlain(Ev.batchSent, p.index, n, -1);
  const lost = lostPublish(st, p); // the batch travels as one unit: lost as one
  const inline = inlineHop(st.hopPublish, now, p.partitionUntilUs);
  if (!inline && !lost)
    p.linkUs = hopArrival(st.hopPublish, now, p.linkUs, p.rngNet, p.partitionUntilUs);
  for (let i = 0; i < n; i++) {
    const s = slots.popFront();
    if (i > 0) st.msgs.flags[s] |= MsgFlag.batchFollower; // the batch is one unit of work
    cx.emit(Ev.published, s, p.index, 0);
    if (lost) publishLost(st, cx, p, s);
    else if (inline) cx.run(Task.atBroker, s, p.channel, 0);
    else cx.at(p.linkUs, Task.atBroker, s, p.channel, 0);
  }
}

/**
 * One publish attempt on the producer's FIFO link to the broker; while a node's memory alarm
 * blocks the producer, it waits in the client behind the ones blocked before it.
 */
function send(st: State, cx: Ctx, p: ProducerRt, s: number): void {
  if (st.memoryLimit !== Infinity && (p.blocked.length > 0 || alarmed(st, cx, s, p.channel)))
    return block(cx, p, s);
  transmit(st, cx, p, s);
}

function block(cx: Ctx, p: ProducerRt, s: number): void {
  p.blocked.pushBack(s);
  if (p.blockedSinceUs < 0) p.blockedSinceUs = cx.nowUs;
}

/** The memory monitor of node k: once its alarm clears, blocked producers send what waited. */
export function memoryCheck(st: State, cx: Ctx, k: number): void {
  if (!alarmCleared(st, cx, k)) return;
  for (const p of st.producers) {
    while (p.blocked.length > 0 && !alarmed(st, cx, p.blocked.peekFront(), p.channel))
      transmit(st, cx, p, p.blocked.popFront());
    if (p.blocked.length === 0 && p.blockedSinceUs >= 0) {
      p.blockedUs += cx.nowUs - p.blockedSinceUs;
      p.blockedSinceUs = -1;
    }
  }
}

/** Whether the network loses this publish (or batch) on its way to the broker. */
function lostPublish(st: State, p: ProducerRt): boolean {
  return st.publishLoss > 0 && p.rngPublishLoss.nextFloat() < st.publishLoss;
}

/** A publish lost on the way: nothing reaches the broker; a confirming producer times out. */
function publishLost(st: State, cx: Ctx, p: ProducerRt, s: number): void {
  cx.emit(Ev.publishLost, s, p.index, 0);
  const rec = p.tracked ? p.pending.get(st.msgs.seq[s]) : undefined;
  release(st, cx, s);
  if (rec === undefined) return;
  rec.inFlight--;
  retire(st, cx, p, rec);
}

/** Puts s on the link now. */
function transmit(st: State, cx: Ctx, p: ProducerRt, s: number): void {
  const now = cx.nowUs;
  cx.emit(Ev.published, s, p.index, 0);
  if (lostPublish(st, p)) return publishLost(st, cx, p, s);
  if (inlineHop(st.hopPublish, now, p.partitionUntilUs)) cx.run(Task.atBroker, s, p.channel, 0);
  else {
    p.linkUs = hopArrival(st.hopPublish, now, p.linkUs, p.rngNet, p.partitionUntilUs);
    cx.at(p.linkUs, Task.atBroker, s, p.channel, 0);
  }
}

/** Publishes (again) a message awaiting its confirm, with the same id; arms its timeout. */
function attempt(st: State, cx: Ctx, p: ProducerRt, rec: PendingPublish): void {
  rec.attempts++;
  rec.inFlight++;
  cx.after(p.confirmTimeoutUs, Task.confirmTimeout, p.index, rec.attempts, rec.seq);
  const { seq, key, size, publishUs, label, priority } = rec;
  const s = newMessage(st, cx, p.index, seq, key, size, publishUs, publishUs, label, priority);
  if (rec.delayUs > 0) st.msgs.delayUs![s] = rec.delayUs;
  send(st, cx, p, s);
}

export function confirmAtProducer(
  st: State,
  cx: Ctx,
  p: ProducerRt,
  ok: boolean,
  seq: number,
): void {
  const rec = p.pending.get(seq);
  if (rec === undefined || rec.done) return;
  // A nacked batch member waits for its batch's timeout, and is sent again with the batch.
  if (!ok && rec.batch !== null) return;
  if (!ok) return retryOrGiveUp(st, cx, p, rec); // a nack: a failure, retried like an unknown outcome
  rec.done = true;
  cx.emitConfirmed(p.index, seq, rec.publishUs);
  settled(st, cx, p, rec);
  retire(st, cx, p, rec);
}

/** A publish is confirmed or given up: its in-flight slot (or its batch's) goes to the next one. */
function settled(st: State, cx: Ctx, p: ProducerRt, rec: PendingPublish): void {
  if (p.ordered && rec.key >= 0) accepted(p, rec);
  if (rec.batch !== null) return batchMemberSettled(st, cx, p, rec.batch);
  p.unconfirmed--;
  while (p.unconfirmed < p.maxInFlight && p.waiting.length > 0) {
    const next = p.waiting.shift()!;
    p.unconfirmed++;
    attempt(st, cx, p, next);
  }
}

/** No confirm in time: the outcome is unknown, so the message is sent again with the same id. */
export function confirmTimeout(
  st: State,
  cx: Ctx,
  p: ProducerRt,
  attemptNo: number,
  seq: number,
): void {
  const rec = p.pending.get(seq);
  if (rec === undefined || rec.done || rec.attempts !== attemptNo) return;
  retryOrGiveUp(st, cx, p, rec);
}

function retryOrGiveUp(st: State, cx: Ctx, p: ProducerRt, rec: PendingPublish): void {
  if (rec.attempts > p.retries) return giveUp(st, cx, p, rec);
  const delayUs = backoffUs(p, rec.attempts);
  rec.attempts++; // reserves the attempt number, so a late timeout of the previous one is ignored
  cx.after(delayUs, Task.retryPublish, p.index, 0, rec.seq);
}

/** The producer gives up on rec after its retries. */
function giveUp(st: State, cx: Ctx, p: ProducerRt, rec: PendingPublish): void {
  rec.done = true;
  cx.emitPlain(Ev.publishFailed, p.index, rec.seq, -1);
  settled(st, cx, p, rec);
  retire(st, cx, p, rec);
}

/** Exponential backoff before the retry after `attempts` attempts: backoff, 2×backoff, … */
function backoffUs(p: ProducerRt, attempts: number): number {
  return p.backoffUs * 2 ** Math.min(30, attempts - 1);
}

export function retryPublish(st: State, cx: Ctx, p: ProducerRt, seq: number): void {
  const rec = p.pending.get(seq);
  if (rec === undefined || rec.done) return;
  rec.attempts--;
  attempt(st, cx, p, rec);
}
