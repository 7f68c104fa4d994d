// One consumer instance of `brokerlab real`, as its own OS process (so a crash fault is a real
// SIGKILL and the broker sees a real dead socket). It consumes with the scenario's prefetch,
// buffers what it was sent, serves `concurrency` deliveries at a time for a service time drawn
// from the engine's stream of this instance, decides failures and poison as the engine does, and
// acks, nacks or rejects. Every receipt and every finished processing is reported to the parent.

import { compileDurationUs, messageUniform, streamFor } from '../../sim-core/index';
import { senderKey } from './plan';
import { Outcome } from './consumer-protocol';
import type { ChildMessage, ConsumerConfig, ParentMessage } from './consumer-protocol';
import { amqpTransport, natsTransport } from './consumer-transport';
import type { Delivery } from './consumer-transport';

const send = (m: ChildMessage) => process.send!(m);

/** Sleeps about `ms`: Node's timers truncate to whole ms, so round instead; under 0.5 ms, yield once. */
function sleep(ms: number): Promise<void> {
  return new Promise((r) => (ms < 0.5 ? setImmediate(r) : setTimeout(r, Math.round(ms))));
}

async function consume(c: ConsumerConfig): Promise<void> {
  const now = () => performance.timeOrigin + performance.now() - c.epochMs;
  const service = compileDurationUs(c.service);
  const rngService = streamFor(c.seed, c.instance, 'service');
  const rngFailures = streamFor(c.seed, c.instance, 'failures');
  const rngReject = streamFor(c.seed, c.instance, 'reject');
  const senders = new Map<string, number>();
  let slow = 1;
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'slow') slow *= m.factor;
  });
  const transport =
    c.source.kind === 'amqp'
      ? amqpTransport(c, c.source.queue)
      : natsTransport(c, c.source.stream, c.source.durable, c.source.ackWaitMs);

  const buffer: Delivery[] = [];
  let busy = 0;

  const poisoned = (id: string): boolean => {
    if (c.poison <= 0) return false;
    const colon = id.lastIndexOf(':');
    const sender = id.slice(0, colon);
    let key = senders.get(sender);
    if (key === undefined) senders.set(sender, (key = senderKey(sender)));
    return messageUniform(c.seed, key, Number(id.slice(colon + 1))) < c.poison;
  };

  const serve = async (d: Delivery): Promise<void> => {
    const factor = slow;
    const sampled = service.sampleUs(rngService, factor) / 1000;
    const start = now();
    await sleep(sampled);
    const failed = poisoned(d.id) || (c.failRate > 0 && rngFailures.nextFloat() < c.failRate);
    const end = now();
    const outcome =
      c.ack === 'auto'
        ? failed
          ? Outcome.autoFailed
          : Outcome.autoProcessed
        : failed
          ? Outcome.failed
          : c.neverAck
            ? Outcome.neverAcked
            : Outcome.acked;
    send({ type: 'done', id: d.id, start, end, sampled, slow: factor, outcome });
    if (outcome === Outcome.acked) d.ack();
    else if (outcome === Outcome.failed) d.nack();
    if (outcome === Outcome.neverAcked) transport.abandoned();
    else transport.freed();
  };

  const pump = () => {
    while (busy < c.concurrency && buffer.length > 0) {
      busy++;
      void serve(buffer.shift()!).finally(() => {
        busy--;
        pump();
      });
    }
  };

  await transport.start((d) => {
    send({ type: 'received', id: d.id, t: now(), redelivered: d.redelivered, death: d.death });
    const r = c.reject;
    if (r !== null && r.probability > 0 && rngReject.nextFloat() < r.probability) {
      const t = now();
      const outcome = r.requeue ? Outcome.rejectedRequeue : Outcome.rejectedDrop;
      send({ type: 'done', id: d.id, start: t, end: t, sampled: 0, slow, outcome });
      d.reject(r.requeue);
      transport.freed();
      return;
    }
    buffer.push(d);
    pump();
  });
  send({ type: 'ready' });
}

process.once('message', (m: ParentMessage) => {
  if (m.type !== 'start') return;
  consume(m.config).catch((e: unknown) => {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    process.exit(2);
  });
});
