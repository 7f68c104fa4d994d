// RabbitMQ as a LiveBroker (amqplib): the topology of amqp-topology.ts, persistent messages
// when the scenario's broker is durable, publisher confirms on a confirm channel, and the ready
// counts of the run's queues.

import { once } from 'node:events';
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import type { Scenario } from '../../sim-core/index';
import { RunError } from '../cli/errors';
import { amqpTopology } from './amqp-topology';
import type { LiveBroker } from './live-run';
import type { PublishPlan } from './plan';

/** Connects, or fails with one line naming the URL (exit 1). */
export async function connectRabbit(url: string, nagle: boolean): Promise<ChannelModel> {
  try {
    return await amqp.connect(url, { noDelay: !nagle, timeout: 5000 });
  } catch (e) {
    const why = e instanceof Error ? e.message || e.name : String(e);
    throw new RunError(`cannot reach the broker at ${url}: ${why}`);
  }
}

export async function openRabbit(
  url: string,
  nagle: boolean,
  s: Scenario,
  prefix: string,
  st: PublishPlan['st'],
): Promise<LiveBroker> {
  const conn = await connectRabbit(url, nagle);
  conn.on('error', () => {});
  const version = String(conn.connection.serverProperties.version ?? 'unknown');
  const t = amqpTopology(s, prefix);
  const queueOf = new Map(t.queues.map((q) => [q.name, q.broker]));
  const ch = await conn.createConfirmChannel();
  ch.on('error', () => {});
  const zeros = Buffer.alloc(64 * 1024);
  const payload = (size: number) =>
    size <= zeros.length
      ? zeros.subarray(0, Math.max(0, Math.round(size)))
      : Buffer.alloc(Math.round(size));
  return {
    backend: { kind: 'rabbitmq', version, url },
    async declare() {
      for (const x of t.exchanges)
        await ch.assertExchange(x.broker, x.type, { durable: t.durable, arguments: x.arguments });
      for (const q of t.queues)
        await ch.assertQueue(q.broker, { durable: t.durable, arguments: q.arguments });
      for (const b of t.bindings)
        if (b.destinationIsQueue) await ch.bindQueue(b.destination, b.source, b.key, b.arguments);
        else await ch.bindExchange(b.destination, b.source, b.key, b.arguments);
    },
    source: (q) => ({ kind: 'amqp', queue: queueOf.get(st.topo.queues[q].name)! }),
    async publish(m, def, settled) {
      const to = t.publishTo.get(def.to)!;
      const headers: Record<string, unknown> = { ...(m.headers ?? {}) };
      if (m.key >= 0) headers['x-brokerlab-key'] = m.key;
      const ok = ch.publish(
        to.exchange,
        to.queue ?? m.routingKey,
        payload(m.size),
        {
          messageId: m.id,
          persistent: t.durable,
          headers,
          ...(def.ttl !== null ? { expiration: String(Math.round(def.ttl)) } : {}),
          ...(m.priority > 0 ? { priority: m.priority } : {}),
        },
        (err) => settled(!err),
      );
      if (!ok) await once(ch, 'drain');
    },
    async ready() {
      const out: number[] = [];
      for (const q of st.topo.queues)
        out.push((await ch.checkQueue(queueOf.get(q.name)!)).messageCount);
      return out;
    },
    givenUp: () => [], // classic queues have no delivery limit (refused before the run)
    async close() {
      const del = await conn.createChannel();
      del.on('error', () => {});
      for (const q of t.queues) await del.deleteQueue(q.broker).catch(() => {});
      for (const x of t.exchanges) await del.deleteExchange(x.broker).catch(() => {});
      await del.close().catch(() => {});
      await conn.close().catch(() => {});
    },
  };
}
