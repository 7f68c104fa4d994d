// The v1 scenario format, described once as data (field order is output order): the validator
// (walk.ts) and the JSON Schema (schema.ts) are both generated from it, so they cannot drift.
import {
  arr,
  bool,
  derived,
  dur,
  int,
  keyed,
  map,
  nullable,
  num,
  obj,
  oneOf,
  opt,
  orNone,
  req,
  str,
  tagged,
  tuple,
  type ArrayNode,
  type Field,
  type Node,
  type ObjectNode,
  type TaggedNode,
} from './spec-nodes';

/** Ids of producers, channels, consumers and subscriptions. */
export const ID_PATTERN = '^[A-Za-z0-9._-]+$';

const id = str({
  pattern: ID_PATTERN,
  patternMessage: 'use only letters, digits, ".", "_" and "-"',
  defName: 'id',
  desc: 'An id: letters, digits, ".", "_" and "-". Unique across producers, channels and consumers.',
});
/** A reference to something by id; resolved (with "did you mean") by references.ts. */
const ref = str({ nonEmpty: true });
const anyDur = dur({ min: 0 });
const posDur = dur({ gt: 0 });
const probability = num({ min: 0, max: 1 });
const lossRate = num({ min: 0, lt: 1 });

const minMax: ObjectNode['check'] = (o, report) => {
  if ((o.max as number) < (o.min as number)) report('max', 'must be ≥ min');
};
const medianP99: ObjectNode['check'] = (o, report) => {
  if ((o.p99 as number) <= (o.median as number)) report('p99', 'must be greater than median');
};

/** Weights of a choice: one per value, not all zero. */
const choiceWeights: ObjectNode['check'] = (o, report) => {
  const values = o.values as unknown[];
  const weights = o.weights as number[] | null;
  if (weights === null) return;
  if (weights.length !== values.length)
    report('weights', `must have one weight per value (${values.length}, got ${weights.length})`);
  else if (!weights.some((w) => w > 0)) report('weights', 'must not all be 0');
};

/** `{kind: choice, values, weights}`: one of the values, drawn with the given weights. */
function choiceOf(value: Node, what: string): ObjectNode {
  return obj(
    {
      values: req(arr(value, { minItems: 1 }), `${what}: the values to choose from.`),
      weights: opt(
        nullable(arr(num({ min: 0 }))),
        null,
        'Relative weight of each value (null: equal).',
      ),
    },
    { check: choiceWeights },
  );
}

/** Header values a message may carry. */
const headerValue: ObjectNode['check'] = (o, report) => {
  for (const [name, v] of Object.entries(o)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      report(name, `must be a string, number or boolean (got ${JSON.stringify(v)})`);
  }
};
const headers = map('A header value: a string, number or boolean.', {
  minEntries: 1,
  check: headerValue,
});

/** A message label drawn per message: a routing key, or headers. */
function labelDist(value: Node, what: string, defName: string): TaggedNode {
  return tagged(
    'kind',
    {
      constant: obj({ value: req(value, `${what}: every message gets this.`) }),
      choice: choiceOf(value, what),
    },
    { defName, desc: `${what}: a constant or {kind: choice, values, weights}.` },
  );
}
const routingKeyDist: TaggedNode = {
  ...labelDist(str(), 'Routing key', 'routingKey'),
  shorthand: { type: 'string', field: 'value', with: { kind: 'constant' } },
};
const priorityDist: TaggedNode = {
  ...labelDist(int(0, { max: 255 }), 'Priority (0..255)', 'priority'),
  shorthand: { type: 'number', field: 'value', with: { kind: 'constant' } },
};
const headersDist = labelDist(headers, 'Headers', 'headers');

/** Distributions; durations (ms or unit strings) when `durations`, else plain numbers (bytes). */
function distribution(durations: boolean): TaggedNode {
  const value = durations ? anyDur : num({ min: 0 });
  const positive = durations ? posDur : num({ gt: 0 });
  const unit = durations ? 'Duration' : 'Bytes';
  return tagged(
    'kind',
    {
      constant: obj({ value: req(value, `${unit}: every draw returns this value.`) }),
      uniform: obj(
        {
          min: req(value, `${unit}: lower bound.`),
          max: req(value, `${unit}: upper bound (≥ min).`),
        },
        { check: minMax },
      ),
      exponential: obj({ mean: req(positive, `${unit}: the mean.`) }),
      normal: obj({
        mean: req(value, `${unit}: the mean (draws are truncated at 0).`),
        stddev: req(value, `${unit}: the standard deviation.`),
      }),
      lognormal: obj(
        {
          median: req(positive, `${unit}: the median.`),
          p99: req(positive, `${unit}: the 99th percentile (> median).`),
        },
        { check: medianP99 },
      ),
      pareto: obj({
        min: req(positive, `${unit}: the scale (smallest value).`),
        alpha: req(
          num({ gt: 1, max: 100 }),
          'The shape; smaller means heavier tail (> 1: at or below 1 the mean is infinite).',
        ),
      }),
      empirical: obj({
        values: req(arr(value, { minItems: 1 }), `${unit}: draws pick one uniformly.`),
      }),
      choice: choiceOf(value, unit),
    },
    {
      defName: durations ? 'durationDistribution' : 'sizeDistribution',
      desc: durations
        ? 'A random distribution of durations (ms, or strings like "3ms"), chosen by "kind".'
        : 'A random distribution of sizes in bytes, chosen by "kind".',
    },
  );
}
const durationDist = distribution(true);
const sizeDist = distribution(false);

const increasingSteps: ArrayNode['check'] = (steps, report) => {
  for (let i = 1; i < steps.length; i++) {
    const [prev, cur] = [(steps[i - 1] as number[])[0], (steps[i] as number[])[0]];
    if (cur <= prev) report([i, 0], 'must be later than the previous step');
  }
};
const nonDecreasing: ArrayNode['check'] = (times, report) => {
  for (let i = 1; i < times.length; i++) {
    if ((times[i] as number) < (times[i - 1] as number)) {
      report(i, 'must not be earlier than the previous time');
    }
  }
};
const burstFits: ObjectNode['check'] = (o, report) => {
  if ((o.burstLength as number) >= (o.burstEvery as number)) {
    report('burstLength', 'must be shorter than burstEvery');
  }
};

const rate = tagged(
  'kind',
  {
    constant: obj({ perSecond: req(num({ gt: 0 }), 'Messages per second, evenly spaced.') }),
    poisson: obj({ perSecond: req(num({ gt: 0 }), 'Mean messages per second (Poisson).') }),
    bursty: obj(
      {
        perSecond: req(num({ min: 0 }), 'Poisson rate between bursts.'),
        burstPerSecond: req(num({ gt: 0 }), 'Poisson rate during a burst.'),
        burstEvery: req(posDur, 'Time from the start of one burst to the next.'),
        burstLength: req(posDur, 'How long a burst lasts (< burstEvery).'),
      },
      { check: burstFits },
    ),
    steps: obj({
      steps: req(
        arr(tuple([anyDur, num({ min: 0 })], '[at, perSecond]'), {
          minItems: 1,
          check: increasingSteps,
        }),
        'Piecewise Poisson: [[at, perSecond], ...] with strictly increasing times.',
      ),
    }),
    trace: obj({
      at: req(
        arr(anyDur, { minItems: 1, check: nonDecreasing }),
        'Exact publish times, non-decreasing.',
      ),
    }),
  },
  {
    defName: 'rate',
    desc: 'An arrival process, chosen by "kind". Rates are per simulated second.',
  },
);

/** Keys are 32-bit integers in the engine. */
const keyCount = req(int(1, { max: 2 ** 31 - 1 }), 'Number of distinct keys.');
/** Zipf keys keep a table of one probability per key (8 bytes each). */
const zipfKeyCount = req(int(1, { max: 1_000_000 }), 'Number of distinct keys.');
const keys = tagged(
  'kind',
  {
    none: obj({}),
    uniform: obj({ count: keyCount }),
    zipf: obj({
      count: zipfKeyCount,
      s: req(num({ gt: 0 }), 'Zipf exponent; larger is more skewed.'),
    }),
    roundRobin: obj({ count: keyCount }),
  },
  { defName: 'keys', desc: 'How ordering/partition keys are picked, chosen by "kind".' },
);

const crashes = obj(
  {
    mtbf: req(posDur, 'Mean time between crashes (exponentially distributed).'),
    restart: req(anyDur, 'Time to come back after a crash.'),
  },
  { defName: 'crashes', desc: 'Random crashes.' },
);

const confirm = nullable(
  obj(
    {
      timeout: opt(posDur, 1000, 'Wait this long for a confirm before retrying.'),
      retries: opt(int(0), 3, 'Retries after the first attempt before giving up.'),
      backoff: opt(anyDur, 100, 'Extra delay before each retry.'),
    },
    { aliases: [{ raw: true, as: {} }] },
  ),
  [null, false],
);

const batch = obj(
  {
    maxMessages: opt(
      orNone(int(1, { max: 1_000_000 })),
      null,
      'A batch is sent once it holds this many messages; "none": no count limit.',
    ),
    maxBytes: opt(
      orNone(int(1)),
      16_384,
      'A batch is sent once its payload reaches this many bytes; "none": no size limit.',
    ),
    linger: opt(anyDur, 5, 'A batch is sent this long after its first message at the latest.'),
  },
  {
    desc: 'A batch is sent when it is full (maxMessages or maxBytes) or linger after its first message.',
  },
);

const producer = obj(
  {
    id: req(id, 'Producer id; message ids are "<id>:<sequence>".'),
    to: req(ref, 'The channel to publish to (a channel id, not a subscription).'),
    rate: req(rate, 'The arrival process.'),
    count: opt(nullable(int(1)), null, 'Stop after publishing this many messages (null: no cap).'),
    routingKey: opt(
      nullable(routingKeyDist),
      null,
      'Routing key of each message, for exchanges and subscription filters (default: the producer id).',
    ),
    headers: opt(
      nullable(headersDist),
      null,
      'Headers of each message (headers exchanges, filters).',
    ),
    priority: opt(
      nullable(priorityDist),
      null,
      'Priority of each message, 0..255 (priority queues; null: 0).',
    ),
    delay: opt(
      nullable(durationDist),
      null,
      'Delayed delivery: each message becomes ready this long after it reaches its queue (SQS DelaySeconds, a delayed exchange).',
    ),
    ttl: opt(
      nullable(posDur),
      null,
      "Per-message expiration from publish (RabbitMQ's `expiration`): the shorter of it and the queue's ttl applies.",
    ),
    start: opt(anyDur, 0, 'When to start publishing.'),
    stop: opt(nullable(anyDur), null, 'When to stop publishing (> start; null: never).'),
    keys: opt(keys, { kind: 'none' }, 'Ordering/partition keys.'),
    size: opt(sizeDist, { kind: 'constant', value: 1024 }, 'Message size in bytes.'),
    confirm: opt(
      confirm,
      null,
      'Publisher confirms: true or an object (retries keep the message id); null/false: none.',
    ),
    idempotent: opt(bool(), false, 'The broker drops a retried copy it already holds.'),
    acks: opt(
      oneOf([0, 1, 'all']),
      'all',
      'To a log: 0 (no confirm), 1 (confirm once the leader wrote it) or all (once every in-sync replica did).',
    ),
    batch: opt(
      nullable(batch),
      null,
      'Producer batching (Kafka batch.size, linger.ms): messages travel, are written and confirmed as one unit; null: each alone.',
    ),
    maxInFlight: opt(
      orNone(int(1, { max: 1_000_000 })),
      null,
      'Unconfirmed publishes (batches) per producer at once (Kafka max.in.flight.requests); "none": unlimited.',
    ),
    request: opt(
      nullable(obj({ timeout: req(posDur, 'Give up on a reply after this long.') })),
      null,
      'Request–reply: each message expects a reply from the consumer that processes it (through the broker; over a direct channel, straight back).',
    ),
  },
  {
    check: (o, report) => {
      if (o.stop !== null && (o.stop as number) <= (o.start as number)) {
        report('stop', 'must be later than start');
      }
    },
  },
);

/** Options shared by queue channels and topic subscriptions. */
export const QUEUE_OPTIONS: Record<string, Field> = {
  ackTimeout: opt(
    orNone(posDur),
    null,
    'Unacked deliveries become ready again after this (visibility timeout); "none": never.',
  ),
  maxDeliveries: opt(
    orNone(int(1, { max: 2 ** 31 - 1 })),
    null,
    'A message delivered this many times without an ack is dead-lettered; "none": unlimited.',
  ),
  deadLetter: opt(
    nullable(ref),
    null,
    'Channel to dead-letter into (queue, topic, log or exchange); null: dead letters are discarded and counted.',
  ),
  deadLetterKey: opt(
    nullable(str()),
    null,
    "Routing key dead letters take (RabbitMQ's x-dead-letter-routing-key); null: they keep their own.",
  ),
  retryDelay: opt(
    durationDist,
    { kind: 'constant', value: 0 },
    'Delay before a nacked or timed-out message is ready again.',
  ),
  requeue: opt(
    nullable(oneOf(['front', 'back'])),
    null,
    'Where a requeued message goes; null: by queue type, as RabbitMQ (classic: its original position; quorum: the back, or the head with maxDeliveries).',
  ),
  ttl: opt(orNone(posDur), null, 'Ready messages older than this expire; "none": never.'),
  maxLength: opt(orNone(int(1)), null, 'Ready-message limit; "none": unlimited.'),
  overflow: opt(
    oneOf(['drop-head', 'reject-publish']),
    'drop-head',
    'What happens when maxLength ready messages are held.',
  ),
  fifoGroups: opt(bool(), false, 'At most one in-flight message per key (SQS FIFO groups).'),
  maxPriority: opt(
    orNone(int(1, { max: 255 })),
    null,
    'A priority queue: higher priorities (capped here) are dispatched first (RabbitMQ x-max-priority); "none": a plain queue.',
  ),
  dedupWindow: opt(
    orNone(posDur),
    null,
    'Broker-side dedup of identical message ids published within this window; "none": off.',
  ),
};

const filterHeaders = map('A header value, or a list of values meaning "any of".', {
  minEntries: 1,
});
const filter = obj(
  {
    key: opt(
      nullable(str()),
      null,
      'A topic pattern the routing key must match (* one word, # any).',
    ),
    headers: opt(
      nullable(filterHeaders),
      null,
      'Each header must equal the value (or one of a list).',
    ),
  },
  { desc: 'Only messages that match get a copy (SNS filter policy, Pub/Sub filter).' },
);

const binding = obj(
  {
    to: req(ref, 'A queue, topic, log or another exchange.'),
    key: opt(
      nullable(str()),
      null,
      'direct: the routing key; topic: a pattern (* one word, # any).',
    ),
    headers: opt(nullable(headers), null, 'headers exchange: the headers to match.'),
    match: opt(oneOf(['all', 'any']), 'all', 'headers exchange: match all (default) or any.'),
  },
  { desc: 'An exchange binding.' },
);

const subscription = obj(
  {
    id: req(id, 'Subscription id, unique within its topic; consumers use "topic/id".'),
    filter: opt(nullable(filter), null, 'Only matching messages get a copy (null: all).'),
    ...QUEUE_OPTIONS,
  },
  { desc: 'A topic subscription: its own copy of every message, with queue options.' },
);

const channel = tagged(
  'kind',
  {
    queue: obj({
      id: req(id, 'Channel id.'),
      ...QUEUE_OPTIONS,
      type: opt(
        oneOf(['classic', 'quorum']),
        'classic',
        'classic: one copy, on its leader node; quorum: Raft-replicated (confirm and ack after a majority).',
      ),
      replicas: opt(
        nullable(int(1, { max: 64 })),
        null,
        'quorum: nodes that hold a copy of the queue (null: min(3, broker.nodes)); classic: 1.',
      ),
    }),
    topic: obj({
      id: req(id, 'Channel id.'),
      subscriptions: opt(arr(subscription), [], 'Each subscription gets its own copy.'),
    }),
    log: obj({
      id: req(id, 'Channel id.'),
      partitions: opt(int(1, { max: 65535 }), 1, 'Partitions; key → partition by a stable hash.'),
      retention: opt(orNone(posDur), null, 'Records older than this are deleted; "none": kept.'),
      replicationFactor: opt(
        int(1, { max: 64 }),
        1,
        'Copies of each partition, on distinct nodes.',
      ),
      minInsyncReplicas: opt(
        int(1, { max: 64 }),
        1,
        'acks: all is refused (counted rejected) while fewer replicas are in sync.',
      ),
      uncleanLeaderElection: opt(
        bool(),
        false,
        'true: an out-of-sync replica may become leader (its missing records are lost).',
      ),
    }),
    direct: obj({
      id: req(id, 'Channel id.'),
      timeout: opt(anyDur, 0, 'A call waits this long for a free consumer instance, then fails.'),
    }),
    exchange: obj({
      id: req(id, 'Channel id.'),
      type: req(oneOf(['direct', 'topic', 'fanout', 'headers']), 'How bindings match messages.'),
      bindings: opt(arr(binding), [], 'Where matching messages go.'),
      alternate: opt(
        nullable(ref),
        null,
        'Where messages that match no binding go (null: they are unroutable).',
      ),
    }),
  },
  {
    desc: 'A channel: queue (point-to-point), topic (pub/sub), log (Kafka-like), direct (RPC) or exchange (routing).',
  },
);

const commit = tagged(
  'mode',
  {
    afterProcessing: obj({}),
    interval: obj({ every: req(posDur, 'Commit period.') }),
  },
  {
    aliases: [{ raw: 'afterProcessing', as: { mode: 'afterProcessing' } }],
    desc: 'Offset commits: "afterProcessing" or {mode: interval, every}.',
  },
);

const emit = obj({
  to: req(ref, 'Channel to publish to after processing.'),
  probability: opt(num({ gt: 0, max: 1 }), 1, 'Chance that a processed message is emitted.'),
});

/** Consumer fields that only make sense when consuming from a log. */
export const LOG_ONLY_CONSUMER_FIELDS = ['startAt', 'commit', 'sessionTimeout'] as const;

const consumer = obj(
  {
    id: req(id, 'Consumer id; instances are "<id>#1", "<id>#2"...'),
    from: req(ref, 'A queue id, "topic/subscription", a log id or a direct channel id.'),
    group: derived(nullable(id), 'the consumer id', 'Log only: the consumer group.'),
    instances: opt(int(1, { max: 100_000 }), 1, 'Identical instances.'),
    prefetch: derived(
      int(1, { max: 2 ** 31 - 1 }),
      'concurrency',
      'Max unacked deliveries per instance.',
    ),
    concurrency: opt(
      int(1, { max: 10_000 }),
      1,
      'Messages processed in parallel per instance (each has its own server slot).',
    ),
    service: req(durationDist, 'Processing time.'),
    ack: opt(
      oneOf(['manual', 'auto']),
      'manual',
      'manual: ack after processing; auto: on delivery.',
    ),
    failRate: opt(probability, 0, 'Probability one processing attempt fails transiently (nack).'),
    poison: opt(probability, 0, 'Fraction of messages that always fail.'),
    reject: opt(
      nullable(
        obj({
          probability: req(probability, 'Chance that a delivery is rejected on receipt.'),
          requeue: opt(
            bool(),
            false,
            'true: back to the queue; false: dead-lettered (or dropped).',
          ),
        }),
      ),
      null,
      'Rejects deliveries on receipt, unprocessed (basic.reject / basic.nack); manual ack only.',
    ),
    neverAck: opt(
      bool(),
      false,
      'Processes but never acks: only an ackTimeout or a lost connection frees its deliveries.',
    ),
    idempotent: opt(bool(), false, 'A message id already processed is acked without processing.'),
    crashes: opt(nullable(crashes, [null, 'none']), null, 'Random crashes per instance.'),
    heartbeat: opt(posDur, 5000, 'The broker notices a frozen or cut-off instance after this.'),
    emit: opt(arr(emit), [], 'Publish onward after processing.'),
    startAt: opt(oneOf(['earliest', 'latest']), 'earliest', 'Log only: where a new group starts.'),
    commit: opt(commit, 'afterProcessing', 'Log only: when offsets are committed.'),
    sessionTimeout: opt(posDur, 45_000, "Log only: a crashed member's partitions move after this."),
  },
  {
    finish: (o) => {
      if (o.prefetch === undefined) o.prefetch = o.concurrency;
    },
  },
);

const capacity = obj(
  {
    perMessage: opt(
      anyDur,
      0,
      'CPU per message per node it touches (publish, replicate, deliver and ack together).',
    ),
    perByte: opt(anyDur, 0, 'Extra CPU per payload byte.'),
    fsync: opt(
      orNone(anyDur),
      null,
      'Durable messages are confirmed after an fsync; one fsync covers everything written while the previous one ran (group commit); "none": no fsync.',
    ),
  },
  { desc: 'Each node is one FIFO server of its work, so throughput saturates at the broker.' },
);

const broker = obj(
  {
    nodes: opt(int(1, { max: 64 }), 1, 'Broker nodes, ids broker#1..broker#N (1: one broker).'),
    durable: opt(bool(), true, 'true: nothing accepted is lost in a broker crash.'),
    crashes: opt(nullable(crashes, [null, 'none']), null, 'Random broker crashes.'),
    capacity: opt(nullable(capacity), null, 'Per-node work; null: an infinitely fast broker.'),
    memoryLimit: opt(
      orNone(int(1)),
      null,
      'Messages held per node; above it publishers to that node are blocked until it falls below 90% (RabbitMQ memory alarm); "none": no limit.',
    ),
    electionTimeout: opt(
      anyDur,
      1000,
      "After a leader node crashes, its queues' and partitions' new leader is elected after this.",
    ),
    replicationLatency: opt(
      nullable(durationDist),
      null,
      "One-way node-to-node delay; null: the network's latency.",
    ),
  },
  {
    check: (o, report) => {
      const cap = o.capacity as Record<string, unknown> | null;
      if (cap !== null && cap.perMessage === 0 && cap.perByte === 0 && cap.fsync === null)
        report(
          'capacity',
          'needs perMessage, perByte or fsync (or null for an infinitely fast broker)',
        );
    },
  },
);

const noLatency = { kind: 'constant', value: 0 };
/** One-way latency per hop: a distribution for every hop, or one per kind of hop. */
const hopLatency: TaggedNode = {
  ...durationDist,
  defName: undefined,
  untagged: obj(
    {
      publish: opt(durationDist, noLatency, 'Producer to broker, and its confirm back.'),
      deliver: opt(durationDist, noLatency, 'Broker to consumer (and a reply to its requester).'),
      ack: opt(durationDist, noLatency, 'Consumer to broker: acks, commits, replies, emits.'),
      replicate: opt(
        durationDist,
        noLatency,
        'Node to node, unless broker.replicationLatency is given.',
      ),
    },
    { desc: 'A latency per kind of hop; a hop left out takes no time.' },
  ),
  desc: 'A distribution for every hop, or {publish, deliver, ack, replicate} (one per kind of hop).',
};

const network = obj(
  {
    latency: opt(hopLatency, noLatency, 'One-way latency per hop (or per kind of hop).'),
    loss: opt(lossRate, 0, 'Probability a confirm or an ack is lost in transit.'),
    confirmLoss: derived(lossRate, 'loss', 'Loss for publisher confirms.'),
    ackLoss: derived(lossRate, 'loss', 'Loss for consumer acks.'),
    publishLoss: opt(
      lossRate,
      0,
      'Probability a publish (or a batch) is lost on its way to the broker; a confirming producer times out and retries.',
    ),
  },
  {
    finish: (o) => {
      if (o.confirmLoss === undefined) o.confirmLoss = o.loss;
      if (o.ackLoss === undefined) o.ackLoss = o.loss;
    },
  },
);

/** The faults, by verb; each without its `at` (scheduled faults add it, lesson actions do not). */
const FAULT_VERBS: Record<string, Record<string, Field>> = {
  crash: {
    crash: req(
      ref,
      '"broker" (every node), a node like "broker#2", a consumer id (all instances) or an instance id like "workers#2".',
    ),
    restart: opt(nullable(anyDur, [null, 'none', 'never']), null, 'Restart after; null: never.'),
  },
  partition: {
    partition: req(
      arr(ref, { minItems: 1 }),
      'Instance, consumer, producer or broker node ids ("broker#3") cut off.',
    ),
    for: req(posDur, 'How long the partition lasts.'),
  },
  slow: {
    slow: req(ref, 'A consumer id or an instance id.'),
    factor: req(num({ gt: 0, max: 1_000_000 }), 'Service times are multiplied by this.'),
    for: req(posDur, 'How long it lasts.'),
  },
  freeze: {
    freeze: req(ref, 'A consumer id or an instance id: the process hangs (no heartbeats).'),
    for: req(posDur, 'How long it hangs.'),
  },
  resetOffsets: {
    resetOffsets: req(ref, 'A log consumer group.'),
    to: opt(oneOf(['earliest', 'latest']), 'earliest', 'Where the group resumes.'),
  },
};
const faultVariants = (at: Field | null): Record<string, ObjectNode> =>
  Object.fromEntries(
    Object.entries(FAULT_VERBS).map(([verb, fields]) => [
      verb,
      obj(at === null ? fields : { at, ...fields }),
    ]),
  );

const at = req(anyDur, 'When the fault happens (< duration).');
const fault = keyed(faultVariants(at), {
  desc: 'A scheduled fault: exactly one of crash, partition, slow, freeze, resetOffsets.',
});

const limits = obj(
  {
    maxEvents: opt(int(1), 1_000_000_000, 'Stop with an error after this many events.'),
    maxSimTime: opt(posDur, 2_592_000_000, 'Longest simulated time (default 30 days).'),
    maxMessagesHeld: opt(int(1), 10_000_000, 'Most messages held at once in the whole system.'),
    maxEventsAtInstant: opt(
      int(1),
      10_000_000,
      'Most events at one simulated instant: more means a loop that takes no time (a poison message with zero service and network latency, retried for ever).',
    ),
  },
  { desc: 'Extension: run budgets; a run that would exceed one stops with an error naming it.' },
);

/** The gallery's groups of lessons, in the order the gallery shows them. */
export const LESSON_GROUPS = [
  'Basics',
  'Failures',
  'Ordering',
  'Delivery guarantees',
  'Scaling',
  'Patterns',
] as const;
/** What a lesson may colour the lab's message dots by (besides their delivery state). */
export const LESSON_COLOUR_BY = ['routingKey', 'priority'] as const;
/** A lesson card offers at most this many "try this" actions. */
export const MAX_LESSON_TRIES = 2;

const label = req(str({ nonEmpty: true }), 'Button text, e.g. "Crash workers#1 now".');
const lessonTry = keyed(
  {
    fault: obj({
      label,
      fault: req(
        keyed(faultVariants(null)),
        'A fault as in `faults`, without `at`: the lab records it at the current simulated time.',
      ),
    }),
    set: obj({
      label,
      set: req(
        map('The new value, written as in a scenario file.', { minEntries: 1 }),
        'Field changes: "consumers.<id>.<field>", "channels.<id>.<field>", ' +
          '"producers.<id>.<field>.<sub>" or a top-level field → new value; ' +
          'the lab applies them (applySet) and resets.',
      ),
    }),
  },
  { desc: 'A "try this" action: exactly one of fault, set.' },
);

const lesson = obj(
  {
    group: req(oneOf(LESSON_GROUPS), 'The gallery group.'),
    order: opt(nullable(int(1)), null, 'Position within its group in the gallery (null: last).'),
    summary: req(str({ nonEmpty: true }), 'A one-sentence introduction shown on the card.'),
    watch: req(
      str({ nonEmpty: true }),
      'What to watch: 1-3 sentences, plain text or light Markdown.',
    ),
    try: opt(
      arr(lessonTry, { maxItems: MAX_LESSON_TRIES }),
      [],
      `"Try this" actions the card can perform (at most ${MAX_LESSON_TRIES}).`,
    ),
    colourBy: opt(
      nullable(oneOf(LESSON_COLOUR_BY)),
      null,
      "The lab's moving dots are coloured by each message's routing key or priority " +
        '(with a legend) instead of by delivery state; null: by state.',
    ),
  },
  { desc: 'Extension: the lesson card of this scenario in the lab; the engine ignores it.' },
);

/** The whole scenario file. */
export const SCENARIO: ObjectNode = obj(
  {
    $schema: { node: str(), desc: 'The JSON Schema this file follows (ignored).', dropped: true },
    version: { node: oneOf([1]), desc: 'Format version (ignored; only 1).', dropped: true },
    name: req(str({ nonEmpty: true }), 'Scenario name.'),
    description: opt(str(), '', 'Free text shown in the UI; may be Markdown.'),
    seed: opt(
      int(0),
      1,
      'Default random seed (non-negative integer); the CLI --seed overrides it.',
    ),
    duration: opt(nullable(posDur), null, 'Simulated time to run; required unless until: drained.'),
    until: opt(oneOf(['time', 'drained']), 'time', 'time: run for duration; drained: until idle.'),
    warmup: opt(anyDur, 0, 'Latency metrics ignore messages published before this.'),
    sampleEvery: opt(nullable(posDur), null, 'Time-series resolution; null: automatic.'),
    producers: req(arr(producer, { minItems: 1 }), 'Who publishes.'),
    channels: req(arr(channel, { minItems: 1 }), 'Queues, topics, logs and direct channels.'),
    consumers: opt(arr(consumer), [], 'Who consumes.'),
    broker: opt(broker, {}, 'Broker nodes, durability, crashes and capacity.'),
    network: opt(network, {}, 'Latency and loss.'),
    faults: opt(arr(fault), [], 'Exact scheduled faults (replayable).'),
    limits: opt(limits, {}, 'Run budgets.'),
    lesson: opt(nullable(lesson), null, 'Lesson-card metadata for the lab; the engine ignores it.'),
  },
  {
    desc: 'A Brokerlab scenario (format v1).',
    schemaExtra: {
      anyOf: [
        { required: ['duration'] },
        { required: ['until'], properties: { until: { const: 'drained' } } },
      ],
    },
  },
);
