// The reference scenarios the engine's speed is measured on (raw scenario values, validated
// like any user file). The M/M/4 one is the yardstick of the foundation issue.

/** M/M/4: 3,600 msg/s Poisson, exponential service with mean 1 ms, prefetch 1, manual acks, ack timeout 30 s. */
export function mm4Reference(messages: number): Record<string, unknown> {
  return {
    name: 'Reference M/M/4',
    until: 'drained',
    producers: [
      { id: 'web', to: 'orders', rate: { kind: 'poisson', perSecond: 3600 }, count: messages },
    ],
    channels: [{ id: 'orders', kind: 'queue', ackTimeout: '30s' }],
    consumers: [
      {
        id: 'workers',
        from: 'orders',
        instances: 4,
        prefetch: 1,
        ack: 'manual',
        service: { kind: 'exponential', mean: 1 },
      },
    ],
  };
}

/** The same load with 1 ms network latency per hop: every hop becomes a scheduled event. */
export function mm4WithLatency(messages: number): Record<string, unknown> {
  return {
    ...mm4Reference(messages),
    name: 'Reference M/M/4 with 1 ms hops',
    network: { latency: { kind: 'constant', value: 1 } },
  };
}

/**
 * The M/M/4 load on a 3-node cluster: a quorum queue (3 replicas, 0.5 ms between nodes) on
 * nodes of finite capacity (20 µs a message), with publisher confirms after a majority.
 */
export function quorumReference(messages: number): Record<string, unknown> {
  const base = mm4WithLatency(messages);
  return {
    ...base,
    name: 'Reference M/M/4 on 3 nodes, quorum queue',
    producers: [
      {
        id: 'web',
        to: 'orders',
        rate: { kind: 'poisson', perSecond: 3600 },
        count: messages,
        confirm: { timeout: '10s' },
      },
    ],
    channels: [{ id: 'orders', kind: 'queue', type: 'quorum', replicas: 3, ackTimeout: '30s' }],
    broker: {
      nodes: 3,
      capacity: { perMessage: '20us' },
      replicationLatency: { kind: 'constant', value: 0.5 },
    },
  };
}

/** Competing consumers with prefetch 10 and keys: dispatch to local buffers, order tracking. */
export function prefetchReference(messages: number): Record<string, unknown> {
  return {
    name: 'Reference prefetch 10, 3 instances, keyed',
    until: 'drained',
    producers: [
      {
        id: 'web',
        to: 'orders',
        rate: { kind: 'poisson', perSecond: 2400 },
        count: messages,
        keys: { kind: 'uniform', count: 64 },
      },
    ],
    channels: [{ id: 'orders', kind: 'queue', ackTimeout: '30s' }],
    consumers: [
      {
        id: 'workers',
        from: 'orders',
        instances: 3,
        prefetch: 10,
        service: { kind: 'lognormal', median: 0.8, p99: 4 },
      },
    ],
  };
}

/** A backlog: producers publish `messages` with no consumer draining them. */
export function backlogScenario(messages: number): Record<string, unknown> {
  return {
    name: 'Backlog',
    until: 'drained',
    producers: [
      { id: 'web', to: 'orders', rate: { kind: 'constant', perSecond: 100000 }, count: messages },
    ],
    channels: [{ id: 'orders', kind: 'queue' }],
    consumers: [],
  };
}

/**
 * A keyed log read by one group of 4 members (light load, so partitions never change who keeps
 * up): its cost per record must not grow with the number of partitions.
 */
export function logReference(partitions: number, records: number): Record<string, unknown> {
  return {
    name: `Reference log, ${partitions} partitions`,
    until: 'drained',
    producers: [
      {
        id: 'web',
        to: 'ledger',
        rate: { kind: 'poisson', perSecond: 3000 },
        count: records,
        keys: { kind: 'uniform', count: 100_000 },
      },
    ],
    channels: [{ id: 'ledger', kind: 'log', partitions }],
    consumers: [
      {
        id: 'audit',
        from: 'ledger',
        instances: 4,
        service: { kind: 'exponential', mean: 0.05 },
      },
    ],
  };
}

/** A topic fanned out to `subscriptions` queues, one consumer each: cost per copy. */
export function topicReference(subscriptions: number, publishes: number): Record<string, unknown> {
  const ids = Array.from({ length: subscriptions }, (_, i) => `s${i + 1}`);
  return {
    name: `Reference topic, ${subscriptions} subscriptions`,
    until: 'drained',
    producers: [
      { id: 'web', to: 'events', rate: { kind: 'poisson', perSecond: 3000 }, count: publishes },
    ],
    channels: [{ id: 'events', kind: 'topic', subscriptions: ids.map((id) => ({ id })) }],
    consumers: ids.map((id) => ({
      id: `c-${id}`,
      from: `events/${id}`,
      instances: 1,
      service: { kind: 'exponential', mean: 0.2 },
    })),
  };
}
