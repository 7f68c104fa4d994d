// One consumer instance of `brokerlab real`, as its own OS process (so a crash fault is a real
// SIGKILL and the broker sees a real dead socket). It consumes with the scenario's prefetch,
// buffers what it was sent, serves `concurrency` deliveries at a time for a service time drawn
// from the engine's stream of this instance, decides failures and poison as the engine does, and
// acks, nacks or rejects. Every receipt and every finished processing is reported to the parent.

import amqp from 'amqplib';
import type { Channel, ConsumeMessage } from 'amqplib';
import { compileDurationUs, messageUniform, streamFor } from '../../sim-core/index';
import { senderKey } from './plan';
import { Outcome } from './consumer-protocol';
import type { ChildMessage, ConsumerConfig, Death, ParentMessage } from './consumer-protocol';

const send = (m: ChildMessage) => process.send!(m);

/** Sleeps about `ms`: Node's timers truncate to whole ms, so round instead; under 0.5 ms, yield once. */
function sleep(ms: number): Promise<void> {
  return new Promise((r) => (ms < 0.5 ? setImmediate(r) : setTimeout(r, Math.round(ms))));
}

function firstDeath(msg: ConsumeMessage): Death | null {
  const deaths = msg.properties.headers?.['x-death'] as
    Array<{ reason?: unknown; queue?: unknown }> | undefined;
  const d = deaths?.[0];
  return d === undefined ? null : { reason: String(d.reason), queue: String(d.queue) };
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

  const conn = await amqp.connect(c.url, { noDelay: !c.nagle, heartbeat: c.heartbeatSec });
  conn.on('error', () => {}); // a closed connection ends the process below
  conn.on('close', () => process.exit(3));
  const ch: Channel = await conn.createChannel();
  await ch.prefetch(c.prefetch, false);

  const buffer: ConsumeMessage[] = [];
  let busy = 0;

  const poisoned = (id: string): boolean => {
    if (c.poison <= 0) return false;
    const colon = id.lastIndexOf(':');
    const sender = id.slice(0, colon);
    let key = senders.get(sender);
    if (key === undefined) senders.set(sender, (key = senderKey(sender)));
    return messageUniform(c.seed, key, Number(id.slice(colon + 1))) < c.poison;
  };

  const serve = async (msg: ConsumeMessage): Promise<void> => {
    const id = String(msg.properties.messageId);
    const factor = slow;
    const sampled = service.sampleUs(rngService, factor) / 1000;
    const start = now();
    await sleep(sampled);
    const failed = poisoned(id) || (c.failRate > 0 && rngFailures.nextFloat() < c.failRate);
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
    send({ type: 'done', id, start, end, sampled, slow: factor, outcome });
    if (outcome === Outcome.acked) ch.ack(msg);
    else if (outcome === Outcome.failed) ch.nack(msg, false, true);
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

  await ch.consume(
    c.queue,
    (msg) => {
      if (msg === null) process.exit(4); // the queue was deleted or the consumer cancelled
      const id = String(msg.properties.messageId);
      send({
        type: 'received',
        id,
        t: now(),
        redelivered: msg.fields.redelivered,
        death: firstDeath(msg),
      });
      const r = c.reject;
      if (r !== null && r.probability > 0 && rngReject.nextFloat() < r.probability) {
        const t = now();
        const outcome = r.requeue ? Outcome.rejectedRequeue : Outcome.rejectedDrop;
        send({ type: 'done', id, start: t, end: t, sampled: 0, slow, outcome });
        ch.reject(msg, r.requeue);
        return;
      }
      buffer.push(msg);
      pump();
    },
    { noAck: c.ack === 'auto' },
  );
  send({ type: 'ready' });
}

process.once('message', (m: ParentMessage) => {
  if (m.type !== 'start') return;
  consume(m.config).catch((e: unknown) => {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    process.exit(2);
  });
});
