// Turns a validated scenario into dense integer indices: internal queues (a queue channel, one
// per topic subscription, then one per log consumer group for its counters), consumer instances,
// and the fan-out targets of each channel.
// Everything the hot loop touches is addressed by these indices; names are for reports only.

import type { Channel, QueueChannel, QueueOptions, Scenario } from '../scenario/types';

export interface QueueInfo {
  /** Report name: `orders` or `events/billing`. */
  name: string;
  channel: number;
  options: QueueOptions;
  /** A direct channel's call line: a synchronous call, no broker; `timeout` ms to find an instance. */
  directTimeout: number | null;
}

export interface InstanceInfo {
  /** `workers#2` */
  name: string;
  consumer: number;
  queue: number;
}

export interface Topology {
  queues: QueueInfo[];
  instances: InstanceInfo[];
  /** For each channel, the internal queues a publish to it fans out to. */
  channelTargets: number[][];
  channelIndex: Map<string, number>;
  queueIndex: Map<string, number>;
  consumerIndex: Map<string, number>;
  producerIndex: Map<string, number>;
  /** Entities that have their own message ids: producers first, then emitting consumers. */
  senderNames: string[];
}

/**
 * Options for internal targets that are not broker queues (a direct channel's line of waiting
 * calls, a log group's counters): every queue option at its default, none of them used.
 */
export const PLAIN_QUEUE_OPTIONS: QueueOptions = {
  ackTimeout: null,
  maxDeliveries: null,
  deadLetter: null,
  deadLetterKey: null,
  retryDelay: { kind: 'constant', value: 0 },
  requeue: 'front',
  ttl: null,
  maxLength: null,
  overflow: 'drop-head',
  fifoGroups: false,
  maxPriority: null,
  dedupWindow: null,
};

/** Builds the index maps. Assumes the scenario has been validated. */
export function buildTopology(s: Scenario): Topology {
  const queues: QueueInfo[] = [];
  const channelTargets: number[][] = [];
  const channelIndex = new Map<string, number>();
  const queueIndex = new Map<string, number>();
  s.channels.forEach((ch: Channel, ci) => {
    channelIndex.set(ch.id, ci);
    const targets: number[] = [];
    const add = (name: string, options: QueueOptions, directTimeout: number | null = null) => {
      queueIndex.set(name, queues.length);
      targets.push(queues.length);
      queues.push({ name, channel: ci, options, directTimeout });
    };
    if (ch.kind === 'queue') add(ch.id, { ...ch, requeue: requeuePosition(ch) });
    else if (ch.kind === 'direct') add(ch.id, PLAIN_QUEUE_OPTIONS, ch.timeout);
    else if (ch.kind === 'topic')
      for (const sub of ch.subscriptions)
        add(`${ch.id}/${sub.id}`, { ...sub, requeue: sub.requeue ?? 'front' });
    channelTargets.push(targets);
  });
  // Log consumer groups, in the order their first consumer is listed: `ledger/audit`.
  s.consumers.forEach((c) => {
    const ci = channelIndex.get(c.from);
    if (ci === undefined || s.channels[ci].kind !== 'log') return;
    const name = `${c.from}/${c.group ?? c.id}`;
    if (queueIndex.has(name)) return;
    queueIndex.set(name, queues.length);
    queues.push({ name, channel: ci, options: PLAIN_QUEUE_OPTIONS, directTimeout: null });
  });
  const instances: InstanceInfo[] = [];
  const consumerIndex = new Map<string, number>();
  s.consumers.forEach((c, ci) => {
    consumerIndex.set(c.id, ci);
    // A log consumer's target is its group's, wired when the engine joins it to the group.
    const queue = queueIndex.get(c.from) ?? -1;
    for (let k = 1; k <= c.instances; k++)
      instances.push({ name: `${c.id}#${k}`, consumer: ci, queue });
  });
  const producerIndex = new Map<string, number>();
  s.producers.forEach((p, i) => producerIndex.set(p.id, i));
  const senderNames = [
    ...s.producers.map((p) => p.id),
    ...s.consumers.filter((c) => c.emit.length > 0).map((c) => c.id),
  ];
  return {
    queues,
    instances,
    channelTargets,
    channelIndex,
    queueIndex,
    consumerIndex,
    producerIndex,
    senderNames,
  };
}

/**
 * Where a queue puts a requeued message when `requeue` leaves it to the queue type, as RabbitMQ
 * does: a classic queue at its original position; a quorum queue at the back, or, with a
 * delivery limit, back at the head.
 */
function requeuePosition(ch: QueueChannel): 'front' | 'back' {
  if (ch.requeue !== null) return ch.requeue;
  return ch.type === 'quorum' && ch.maxDeliveries === null ? 'back' : 'front';
}
