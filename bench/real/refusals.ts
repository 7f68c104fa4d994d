// What a live broker cannot play, named field by field before anything is declared or published:
// a run that quietly ignored a field would report numbers for a different scenario.

import { compileDist } from '../../sim-core/index';
import type { QueueOptions, Scenario, ValidationError } from '../../sim-core/index';

export type BackendKind = 'rabbitmq' | 'nats';

const NAMES: Record<BackendKind, string> = { rabbitmq: 'RabbitMQ', nats: 'NATS JetStream' };

/**
 * An ack timeout is enforced by neither RabbitMQ 3.10 (its consumer_timeout is one broker-wide
 * setting) nor played here; it is accepted only where no delivery can be held that long: no
 * consumer that never acks, no freeze that long, and far above prefetch × mean service.
 */
function ackTimeoutCanFire(s: Scenario, channelId: string, ackTimeout: number): boolean {
  const fed = s.consumers.filter((c) => c.from === channelId || c.from.startsWith(`${channelId}/`));
  const freezes = s.faults.some((f) => 'freeze' in f && f.for >= ackTimeout);
  const slowest = s.faults.reduce((m, f) => ('slow' in f ? Math.max(m, f.factor) : m), 1);
  return (
    freezes ||
    fed.some(
      (c) => c.neverAck || 100 * c.prefetch * compileDist(c.service).mean * slowest >= ackTimeout,
    )
  );
}

/** JetStream redelivers a crashed consumer's unacked messages after AckWait, never on the crash. */
function crashRedelivers(s: Scenario, target: string): boolean {
  const id = target.split('#')[0];
  const c = s.consumers.find((x) => x.id === id);
  if (c === undefined || c.ack === 'auto') return true; // auto-ack holds nothing to redeliver
  const [channelId, subId] = c.from.split('/');
  const ch = s.channels.find((x) => x.id === channelId);
  const o =
    ch?.kind === 'queue'
      ? ch
      : ch?.kind === 'topic'
        ? ch.subscriptions.find((x) => x.id === subId)
        : undefined;
  return o?.ackTimeout !== null && o?.ackTimeout !== undefined;
}

type Say = (path: string, why: string) => void;
type SayNotYet = (path: string) => void;

function rabbitQueueRefusals(
  s: Scenario,
  channelId: string,
  o: QueueOptions,
  quorum: boolean,
  p: string,
  no: Say,
  notYet: SayNotYet,
): void {
  if (o.ackTimeout !== null && ackTimeoutCanFire(s, channelId, o.ackTimeout))
    no(
      `${p}.ackTimeout`,
      'has no per-queue ack timeout, and a delivery in this run may be held that long',
    );
  if (!quorum) {
    if (o.maxDeliveries !== null)
      no(`${p}.maxDeliveries`, 'classic queues have no delivery limit (a quorum queue has)');
    if (o.requeue === 'back') no(`${p}.requeue`, 'classic queues requeue at the original position');
  } else {
    // A quorum queue requeues at the back without a delivery limit, at the head with one.
    const position = o.maxDeliveries === null ? 'back' : 'front';
    if (o.requeue !== null && o.requeue !== position)
      no(
        `${p}.requeue`,
        `quorum queues requeue to the ${position === 'back' ? 'back' : 'head'} ${o.maxDeliveries === null ? 'without' : 'with'} a delivery limit`,
      );
    if (o.maxPriority !== null) no(`${p}.maxPriority`, 'quorum queues have no priorities (3.10)');
  }
  const rd = o.retryDelay;
  if (!(rd.kind === 'constant' && rd.value === 0))
    no(`${p}.retryDelay`, 'redelivers a requeued message at once');
  if (o.fifoGroups) notYet(`${p}.fifoGroups`);
  if (o.dedupWindow !== null) no(`${p}.dedupWindow`, 'has no broker-side deduplication');
}

/** A JetStream stream and durable consumer per queue: AckWait, MaxDeliver, the duplicate window. */
function natsQueueRefusals(o: QueueOptions, p: string, no: Say, notYet: SayNotYet): void {
  if (o.deadLetter !== null)
    no(
      `${p}.deadLetter`,
      'has no dead-letter queue: a message past MaxDeliver stays in the stream (an advisory is all)',
    );
  if (o.ttl !== null) notYet(`${p}.ttl`);
  if (o.maxLength !== null) notYet(`${p}.maxLength`);
  if (o.maxPriority !== null) no(`${p}.maxPriority`, 'has no message priorities');
  if (o.requeue === 'back') notYet(`${p}.requeue`);
  const rd = o.retryDelay;
  if (!(rd.kind === 'constant' && rd.value === 0)) notYet(`${p}.retryDelay`);
  if (o.fifoGroups) notYet(`${p}.fifoGroups`);
}

export function refusals(s: Scenario, kind: BackendKind): ValidationError[] {
  const out: ValidationError[] = [];
  const broker = NAMES[kind];
  const no = (path: string, why: string) => out.push({ path, message: `${broker}: ${why}` });
  const notYet = (path: string) => no(path, '`brokerlab real` cannot play this yet');

  s.producers.forEach((p, i) => {
    const at = `producers[${i}]`;
    if (p.confirm !== null && p.confirm.retries > 0) notYet(`${at}.confirm.retries`);
    if (p.delay !== null) no(`${at}.delay`, 'has no delayed delivery without a plugin');
    if (p.request !== null) notYet(`${at}.request`);
    if (p.idempotent) no(`${at}.idempotent`, 'keeps no per-producer sequence numbers');
    if (kind === 'nats' && p.ttl !== null) no(`${at}.ttl`, 'has no per-message expiry (2.9)');
    if (kind === 'nats' && p.priority !== null) no(`${at}.priority`, 'has no message priorities');
    if (p.batch !== null) notYet(`${at}.batch`);
    if (p.maxInFlight !== null) notYet(`${at}.maxInFlight`);
  });
  s.channels.forEach((c, i) => {
    const at = `channels[${i}]`;
    if (c.kind === 'log')
      no(
        `${at}.kind`,
        'a log (partitioned, replayable) needs Kafka or RabbitMQ streams, not played here',
      );
    if (c.kind === 'direct') no(`${at}.kind`, 'a direct (synchronous) channel has no broker');
    if (c.kind === 'queue' && c.type === 'quorum' && kind === 'nats')
      no(`${at}.type`, 'has no queue types: a stream is replicated by its own settings');
    if (c.kind === 'queue' && c.type === 'quorum' && kind === 'rabbitmq' && !s.broker.durable)
      no(`${at}.type`, 'a quorum queue is always durable: set broker.durable to true');
    // Each internal queue: its options, its path, and the `from` its consumers name.
    const options =
      c.kind === 'queue'
        ? [{ o: c as QueueOptions, at, from: c.id }]
        : c.kind === 'topic'
          ? c.subscriptions.map((sub, k) => ({
              o: sub as QueueOptions,
              at: `${at}.subscriptions[${k}]`,
              from: `${c.id}/${sub.id}`,
            }))
          : [];
    if (c.kind === 'topic')
      c.subscriptions.forEach((sub, k) => {
        if (sub.filter !== null) notYet(`${at}.subscriptions[${k}].filter`);
      });
    for (const { o, at: p } of options)
      if (kind === 'rabbitmq')
        rabbitQueueRefusals(s, c.id, o, c.kind === 'queue' && c.type === 'quorum', p, no, notYet);
      else natsQueueRefusals(o, p, no, notYet);
    if (kind === 'nats' && c.kind === 'exchange') notYet(`${at}.kind`); // subject routing could play it; not mapped yet
    if (kind === 'nats')
      for (const { at: p, from } of options) {
        const fed = s.consumers.filter((x) => x.from === from);
        if (new Set(fed.map((x) => x.ack)).size > 1)
          no(p, 'one durable consumer has one ack policy: the consumers reading it must ack alike');
      }
  });
  s.consumers.forEach((c, i) => {
    const at = `consumers[${i}]`;
    if (c.emit.length > 0) notYet(`${at}.emit`);
    if (c.idempotent) notYet(`${at}.idempotent`);
    if (c.crashes !== null) notYet(`${at}.crashes`);
  });
  if (s.broker.crashes !== null) no('broker.crashes', 'a live broker is not crashed by this tool');
  // The live broker's nodes, capacity and memory alarm are its own, to measure, not to model.
  const own = 'is the live broker’s own: measure it rather than model it';
  if (s.broker.nodes > 1) no('broker.nodes', `${own} (nodes: 1)`);
  if (s.broker.capacity !== null) no('broker.capacity', own);
  if (s.broker.memoryLimit !== null) no('broker.memoryLimit', `${own} (its memory watermark)`);
  if (s.network.publishLoss > 0) no('network.publishLoss', 'cannot drop packets on a live network');
  if (s.network.loss > 0) no('network.loss', 'cannot drop packets on a live network');
  if (s.network.confirmLoss > 0) no('network.confirmLoss', 'cannot drop packets on a live network');
  if (s.network.ackLoss > 0) no('network.ackLoss', 'cannot drop packets on a live network');
  s.faults.forEach((f, i) => {
    if ('partition' in f) no(`faults[${i}].partition`, 'cannot partition a live network');
    if ('resetOffsets' in f) no(`faults[${i}].resetOffsets`, 'has no consumer-group offsets here');
    if ('crash' in f && (f.crash === 'broker' || f.crash.startsWith('broker#')))
      no(`faults[${i}].crash`, 'a live broker is not crashed by this tool');
    else if ('crash' in f && kind === 'nats' && !crashRedelivers(s, f.crash))
      no(
        `faults[${i}].crash`,
        "redelivers a dead consumer's messages only when AckWait passes: give its queue an ackTimeout",
      );
  });
  return out;
}
