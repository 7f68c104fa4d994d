// A scenario's topology as RabbitMQ objects: queue channels and topic subscriptions become
// queues, topics become fanout exchanges, exchange channels become exchanges with their
// bindings, dead-letter targets become dead-letter exchanges. Every name carries the run's
// prefix, so a run never meets another run's queues or leftover messages.

import type { Channel, QueueOptions, Scenario } from '../../sim-core/index';

export interface AmqpQueue {
  /** The name in the report: `orders` or `events/billing`. */
  name: string;
  /** The name on the broker. */
  broker: string;
  arguments: Record<string, unknown>;
}

export interface AmqpExchange {
  broker: string;
  type: 'direct' | 'topic' | 'fanout' | 'headers';
  arguments: Record<string, unknown>;
}

export interface AmqpBinding {
  /** A queue's or an exchange's broker name. */
  destination: string;
  destinationIsQueue: boolean;
  source: string;
  key: string;
  arguments: Record<string, unknown>;
}

export interface AmqpTopology {
  prefix: string;
  queues: AmqpQueue[];
  exchanges: AmqpExchange[];
  bindings: AmqpBinding[];
  /** Per channel id: where a producer publishes to it (exchange '' is the default one). */
  publishTo: Map<string, { exchange: string; queue: string | null }>;
  durable: boolean;
}

/** The broker name of a scenario object. */
export function brokerName(prefix: string, name: string): string {
  return `${prefix}.${name}`;
}

export function amqpTopology(s: Scenario, prefix: string): AmqpTopology {
  const n = (name: string) => brokerName(prefix, name);
  const byId = new Map(s.channels.map((c) => [c.id, c]));
  const queues: AmqpQueue[] = [];
  const exchanges: AmqpExchange[] = [];
  const bindings: AmqpBinding[] = [];
  const publishTo = new Map<string, { exchange: string; queue: string | null }>();
  const declared = new Set<string>();

  /** The exchange that a channel's messages enter by (for a queue: a fanout made for it). */
  const exchangeOf = (c: Channel): string => {
    if (c.kind === 'topic' || c.kind === 'exchange') return n(c.id);
    const x = n(`${c.id}.in`);
    if (!declared.has(x)) {
      declared.add(x);
      exchanges.push({ broker: x, type: 'fanout', arguments: {} });
      bindings.push({
        destination: n(c.id),
        destinationIsQueue: true,
        source: x,
        key: '',
        arguments: {},
      });
    }
    return x;
  };

  const queueArgs = (o: QueueOptions, quorum = false): Record<string, unknown> => {
    const a: Record<string, unknown> = {};
    if (quorum) {
      a['x-queue-type'] = 'quorum';
      // RabbitMQ's limit L delivers L + 1 times; maxDeliveries counts every delivery.
      if (o.maxDeliveries !== null) a['x-delivery-limit'] = o.maxDeliveries - 1;
    }
    if (o.deadLetter !== null) {
      a['x-dead-letter-exchange'] = exchangeOf(byId.get(o.deadLetter)!);
      if (o.deadLetterKey !== null) a['x-dead-letter-routing-key'] = o.deadLetterKey;
    }
    if (o.ttl !== null) a['x-message-ttl'] = Math.round(o.ttl);
    if (o.maxLength !== null) {
      a['x-max-length'] = o.maxLength;
      a['x-overflow'] = o.overflow;
    }
    if (o.maxPriority !== null) a['x-max-priority'] = o.maxPriority;
    return a;
  };

  for (const c of s.channels) {
    if (c.kind === 'queue') {
      queues.push({ name: c.id, broker: n(c.id), arguments: queueArgs(c, c.type === 'quorum') });
      publishTo.set(c.id, { exchange: '', queue: n(c.id) });
    } else if (c.kind === 'topic') {
      exchanges.push({ broker: n(c.id), type: 'fanout', arguments: {} });
      publishTo.set(c.id, { exchange: n(c.id), queue: null });
      for (const sub of c.subscriptions) {
        const name = `${c.id}/${sub.id}`;
        queues.push({ name, broker: n(name), arguments: queueArgs(sub) });
        bindings.push({
          destination: n(name),
          destinationIsQueue: true,
          source: n(c.id),
          key: '',
          arguments: {},
        });
      }
    } else if (c.kind === 'exchange') {
      const args: Record<string, unknown> = {};
      if (c.alternate !== null) args['alternate-exchange'] = exchangeOf(byId.get(c.alternate)!);
      exchanges.push({ broker: n(c.id), type: c.type, arguments: args });
      publishTo.set(c.id, { exchange: n(c.id), queue: null });
      for (const b of c.bindings) {
        const to = byId.get(b.to)!;
        const args: Record<string, unknown> =
          c.type === 'headers' ? { 'x-match': b.match, ...(b.headers ?? {}) } : {};
        bindings.push({
          destination: n(to.id),
          destinationIsQueue: to.kind === 'queue',
          source: n(c.id),
          key: b.key ?? '',
          arguments: args,
        });
      }
    }
  }
  return { prefix, queues, exchanges, bindings, publishTo, durable: s.broker.durable };
}
