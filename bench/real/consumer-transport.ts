// How a consumer process talks to its broker, behind one small interface: deliveries come in
// with the broker's redelivered flag and any dead-letter history, and each is settled once.
// RabbitMQ pushes up to the prefetch; JetStream is pulled, one credit per free prefetch slot.

import amqp from 'amqplib';
import type { ConsumeMessage } from 'amqplib';
import { AckPolicy, connect } from 'nats';
import type { JsMsg } from 'nats';
import type { ConsumerConfig, Death } from './consumer-protocol';

export interface Delivery {
  id: string;
  redelivered: boolean;
  death: Death | null;
  ack(): void;
  /** A failed processing: redeliver. */
  nack(): void;
  /** Refused unprocessed: redeliver, or drop (dead-letter where the queue says so). */
  reject(requeue: boolean): void;
}

export interface Transport {
  /** Starts consuming; `onDelivery` is called for each delivery; resolves once consuming. */
  start(onDelivery: (d: Delivery) => void): Promise<void>;
  /** A delivery was settled (or, under auto-ack, its processing ended): a prefetch slot is free. */
  freed(): void;
  /** A delivery was processed and will never be acked: its slot is free when the broker says. */
  abandoned(): void;
}

function firstDeath(msg: ConsumeMessage): Death | null {
  const deaths = msg.properties.headers?.['x-death'] as
    Array<{ reason?: unknown; queue?: unknown }> | undefined;
  const d = deaths?.[0];
  return d === undefined ? null : { reason: String(d.reason), queue: String(d.queue) };
}

export function amqpTransport(c: ConsumerConfig, queue: string): Transport {
  return {
    async start(onDelivery) {
      const conn = await amqp.connect(c.url, { noDelay: !c.nagle, heartbeat: c.heartbeatSec });
      conn.on('error', () => {}); // a closed connection ends the process below
      conn.on('close', () => process.exit(3));
      const ch = await conn.createChannel();
      await ch.prefetch(c.prefetch, false);
      await ch.consume(
        queue,
        (msg) => {
          if (msg === null) process.exit(4); // the queue was deleted or the consumer cancelled
          onDelivery({
            id: String(msg.properties.messageId),
            redelivered: msg.fields.redelivered,
            death: firstDeath(msg),
            ack: () => ch.ack(msg),
            nack: () => ch.nack(msg, false, true),
            reject: (requeue) => ch.reject(msg, requeue),
          });
        },
        { noAck: c.ack === 'auto' },
      );
    },
    freed() {}, // the broker counts unacked deliveries itself
    abandoned() {}, // and holds an unacked one against the prefetch for good
  };
}

/** How long one pull request waits for a message before it is renewed. */
const PULL_EXPIRES_MS = 5000;

export function natsTransport(
  c: ConsumerConfig,
  stream: string,
  durable: string,
  ackWaitMs: number,
): Transport {
  let pull: (n: number) => void = () => {};
  return {
    async start(onDelivery) {
      const nc = await connect({ servers: c.url, reconnect: false });
      void nc.closed().then(() => process.exit(3));
      const consumer = await nc.jetstream().consumers.get(stream, durable);
      const auto = (await consumer.info(true)).config.ack_policy === AckPolicy.None;
      const deliver = (m: JsMsg) =>
        onDelivery({
          id: m.headers?.get('Nats-Msg-Id') ?? '',
          redelivered: m.redelivered,
          death: null,
          ack: () => (auto ? undefined : m.ack()),
          nack: () => m.nak(),
          reject: (requeue) => (requeue ? m.nak() : m.term()),
        });
      // Credit: one outstanding pull per free prefetch slot, so at most `prefetch` deliveries
      // are held, as a RabbitMQ prefetch would; an expired pull is renewed for what it did not get.
      pull = (n: number) => {
        void consumer
          .fetch({ max_messages: n, expires: PULL_EXPIRES_MS })
          .then(async (iter) => {
            let got = 0;
            for await (const m of iter) {
              got++;
              deliver(m);
            }
            if (n - got > 0) pull(n - got);
          })
          .catch(() => process.exit(5));
      };
      pull(c.prefetch);
    },
    freed() {
      pull(1);
    },
    abandoned() {
      // Once AckWait passes, the delivery is the stream's again, not held here.
      setTimeout(() => pull(1), ackWaitMs);
    },
  };
}
