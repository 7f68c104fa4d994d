// What a live broker cannot play, named field by field before anything is declared or published:
// a run that quietly ignored a field would report numbers for a different scenario.

import { compileDist } from '../../sim-core/index';
import type { Scenario, ValidationError } from '../../sim-core/index';

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
  });
  s.channels.forEach((c, i) => {
    const at = `channels[${i}]`;
    if (c.kind === 'log')
      no(
        `${at}.kind`,
        'a log (partitioned, replayable) needs Kafka or RabbitMQ streams, not played here',
      );
    if (c.kind === 'direct') no(`${at}.kind`, 'a direct (synchronous) channel has no broker');
    const options =
      c.kind === 'queue'
        ? [{ o: c, at }]
        : c.kind === 'topic'
          ? c.subscriptions.map((sub, k) => ({ o: sub, at: `${at}.subscriptions[${k}]` }))
          : [];
    if (c.kind === 'topic')
      c.subscriptions.forEach((sub, k) => {
        if (sub.filter !== null) notYet(`${at}.subscriptions[${k}].filter`);
      });
    for (const { o, at: p } of options) {
      if (o.ackTimeout !== null && ackTimeoutCanFire(s, c.id, o.ackTimeout))
        no(
          `${p}.ackTimeout`,
          'has no per-queue ack timeout, and a delivery in this run may be held that long',
        );
      if (o.maxDeliveries !== null)
        no(`${p}.maxDeliveries`, 'classic queues have no delivery limit (quorum queues: not yet)');
      if (o.requeue === 'back')
        no(`${p}.requeue`, 'classic queues requeue at the original position');
      const rd = o.retryDelay;
      if (!(rd.kind === 'constant' && rd.value === 0))
        no(`${p}.retryDelay`, 'redelivers a requeued message at once');
      if (o.fifoGroups) notYet(`${p}.fifoGroups`);
      if (o.dedupWindow !== null) no(`${p}.dedupWindow`, 'has no broker-side deduplication');
    }
  });
  s.consumers.forEach((c, i) => {
    const at = `consumers[${i}]`;
    if (c.emit.length > 0) notYet(`${at}.emit`);
    if (c.idempotent) notYet(`${at}.idempotent`);
    if (c.crashes !== null) notYet(`${at}.crashes`);
  });
  if (s.broker.crashes !== null) no('broker.crashes', 'a live broker is not crashed by this tool');
  if (s.network.loss > 0) no('network.loss', 'cannot drop packets on a live network');
  if (s.network.confirmLoss > 0) no('network.confirmLoss', 'cannot drop packets on a live network');
  if (s.network.ackLoss > 0) no('network.ackLoss', 'cannot drop packets on a live network');
  s.faults.forEach((f, i) => {
    if ('partition' in f) no(`faults[${i}].partition`, 'cannot partition a live network');
    if ('resetOffsets' in f) no(`faults[${i}].resetOffsets`, 'has no consumer-group offsets here');
    if ('crash' in f && f.crash === 'broker')
      no(`faults[${i}].crash`, 'a live broker is not crashed by this tool');
  });
  return out;
}
