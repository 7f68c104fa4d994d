// The normalized scenario: what the validator returns and the engine consumes.
// Same field names as the v1 file format; every duration is a number of milliseconds, every
// default is filled in, and "none" becomes null. Nothing here is ever undefined.

/** A random distribution. Durations are in ms; sizes in bytes. */
export type Dist =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'normal'; mean: number; stddev: number }
  | { kind: 'lognormal'; median: number; p99: number }
  | { kind: 'pareto'; min: number; alpha: number }
  | { kind: 'empirical'; values: number[] }
  | { kind: 'choice'; values: number[]; weights: number[] | null };

/** A message's headers: string, number or boolean values. */
export type Headers = Record<string, string | number | boolean>;

/** A label drawn per message (routing key, headers): a constant or a weighted choice. */
export type LabelDist<T> =
  { kind: 'constant'; value: T } | { kind: 'choice'; values: T[]; weights: number[] | null };

/** An arrival process. Rates are per second of simulated time; times in ms. */
export type Rate =
  | { kind: 'constant'; perSecond: number }
  | { kind: 'poisson'; perSecond: number }
  | {
      kind: 'bursty';
      perSecond: number;
      burstPerSecond: number;
      burstEvery: number;
      burstLength: number;
    }
  | { kind: 'steps'; steps: Array<[number, number]> }
  | { kind: 'trace'; at: number[] };

/** How a producer picks ordering/partition keys. */
export type Keys =
  | { kind: 'none' }
  | { kind: 'uniform'; count: number }
  | { kind: 'zipf'; count: number; s: number }
  | { kind: 'roundRobin'; count: number };

export interface Confirm {
  timeout: number;
  retries: number;
  backoff: number;
}

export interface Producer {
  id: string;
  to: string;
  rate: Rate;
  count: number | null;
  start: number;
  stop: number | null;
  routingKey: LabelDist<string> | null;
  headers: LabelDist<Headers> | null;
  priority: LabelDist<number> | null;
  /** ms; per-message expiration counted from publish. */
  ttl: number | null;
  /** Delayed delivery: ready this long after reaching its queue. */
  delay: Dist | null;
  keys: Keys;
  size: Dist;
  confirm: Confirm | null;
  idempotent: boolean;
  /** To a log: when the broker confirms (0: never, 1: leader written, all: in-sync replicas). */
  acks: 0 | 1 | 'all';
  /** null: each message travels alone. */
  batch: Batch | null;
  /** Unconfirmed publishes (batches) at once; null: unlimited. */
  maxInFlight: number | null;
  /** Request–reply: wait this long (ms) for each message's reply; null: fire and forget. */
  request: { timeout: number } | null;
}

/** Options shared by queues and topic subscriptions. */
export interface QueueOptions {
  ackTimeout: number | null;
  maxDeliveries: number | null;
  deadLetter: string | null;
  /** Dead letters take this routing key (RabbitMQ's x-dead-letter-routing-key); null: their own. */
  deadLetterKey: string | null;
  retryDelay: Dist;
  /** null: by queue type (classic front; quorum back, or front with maxDeliveries). */
  requeue: 'front' | 'back' | null;
  ttl: number | null;
  maxLength: number | null;
  overflow: 'drop-head' | 'reject-publish';
  fifoGroups: boolean;
  maxPriority: number | null;
  dedupWindow: number | null;
}

export interface QueueChannel extends QueueOptions {
  id: string;
  kind: 'queue';
  type: 'classic' | 'quorum';
  /** Quorum queues: nodes holding a copy; null: min(3, broker.nodes). */
  replicas: number | null;
}

/** A topic subscription's filter: a key pattern, and headers each equal to one of its values. */
export interface SubscriptionFilter {
  key: string | null;
  headers: Record<string, string | number | boolean | Array<string | number | boolean>> | null;
}

export interface Subscription extends QueueOptions {
  id: string;
  filter: SubscriptionFilter | null;
}

export interface TopicChannel {
  id: string;
  kind: 'topic';
  subscriptions: Subscription[];
}

export interface LogChannel {
  id: string;
  kind: 'log';
  partitions: number;
  retention: number | null;
  replicationFactor: number;
  minInsyncReplicas: number;
  uncleanLeaderElection: boolean;
}

export interface DirectChannel {
  id: string;
  kind: 'direct';
  timeout: number;
}

export interface Binding {
  to: string;
  key: string | null;
  headers: Headers | null;
  match: 'all' | 'any';
}

export interface ExchangeChannel {
  id: string;
  kind: 'exchange';
  type: 'direct' | 'topic' | 'fanout' | 'headers';
  bindings: Binding[];
  alternate: string | null;
}

export type Channel = QueueChannel | TopicChannel | LogChannel | DirectChannel | ExchangeChannel;

export interface Crashes {
  mtbf: number;
  restart: number;
}

export interface Emit {
  to: string;
  probability: number;
}

export type Commit = { mode: 'afterProcessing' } | { mode: 'interval'; every: number };

export interface Consumer {
  id: string;
  /** A channel id, or `topic/subscription`. */
  from: string;
  /** Log consumers: the consumer group (defaults to the consumer id). null for other channels. */
  group: string | null;
  instances: number;
  prefetch: number;
  concurrency: number;
  service: Dist;
  ack: 'manual' | 'auto';
  failRate: number;
  poison: number;
  /** Rejects deliveries on receipt, unprocessed. */
  reject: { probability: number; requeue: boolean } | null;
  /** Processes but never acks. */
  neverAck: boolean;
  idempotent: boolean;
  crashes: Crashes | null;
  heartbeat: number;
  emit: Emit[];
  startAt: 'earliest' | 'latest';
  commit: Commit;
  sessionTimeout: number;
}

/** Per-node work of a broker with finite capacity (ms). */
export interface Capacity {
  perMessage: number;
  perByte: number;
  /** null: no fsync. */
  fsync: number | null;
}

export interface Broker {
  /** Nodes broker#1..broker#nodes (1: one broker, v1). */
  nodes: number;
  durable: boolean;
  crashes: Crashes | null;
  /** null: an infinitely fast broker (v1). */
  capacity: Capacity | null;
  /** Messages held per node before its publishers are blocked; null: no limit. */
  memoryLimit: number | null;
  /** ms */
  electionTimeout: number;
  /** null: the network's latency. */
  replicationLatency: Dist | null;
}

/** Producer batching (Kafka batch.size, linger.ms). */
export interface Batch {
  maxMessages: number | null;
  maxBytes: number | null;
  /** ms */
  linger: number;
}

/** A latency per kind of hop (each in ms). */
export interface HopLatencies {
  /** Producer → broker, and its confirm back. */
  publish: Dist;
  /** Broker → consumer, and a reply to its requester. */
  deliver: Dist;
  /** Consumer → broker: acks, commits, replies, emits. */
  ack: Dist;
  /** Node → node (unless broker.replicationLatency is given). */
  replicate: Dist;
}

/** What a hop is, for its latency. */
export type HopKind = keyof HopLatencies;

export interface Network {
  /** One distribution for every hop, or one per kind of hop. */
  latency: Dist | HopLatencies;
  loss: number;
  confirmLoss: number;
  ackLoss: number;
  publishLoss: number;
}

export type Fault =
  | { at: number; crash: string; restart: number | null }
  | { at: number; partition: string[]; for: number }
  | { at: number; slow: string; factor: number; for: number }
  | { at: number; freeze: string; for: number }
  | { at: number; resetOffsets: string; to: 'earliest' | 'latest' };

/** A fault as a lesson's "try this" action: a Fault without `at` (the lab adds the current time). */
export type FaultAction = Fault extends infer F ? (F extends Fault ? Omit<F, 'at'> : never) : never;

/** The gallery groups of lessons (spec.ts's LESSON_GROUPS, in gallery order). */
export type LessonGroup =
  'Basics' | 'Failures' | 'Ordering' | 'Delivery guarantees' | 'Scaling' | 'Patterns';

/**
 * A "try this" action of a lesson card: a fault to inject now, or field changes to apply to the
 * raw scenario with `applySet` (keys are paths like `consumers.workers.prefetch`; values are kept
 * exactly as written in the file, not normalized), after which the lab resets.
 */
export type LessonTry =
  { label: string; fault: FaultAction } | { label: string; set: Record<string, unknown> };

/** Extension: the lesson card's metadata. The engine ignores it. */
export interface Lesson {
  group: LessonGroup;
  /** Position within its group in the gallery; null: after the numbered ones. */
  order: number | null;
  /** One-sentence introduction shown on the card. */
  summary: string;
  /** "What to watch": 1-3 sentences, plain text or light Markdown. */
  watch: string;
  /** At most two actions. */
  try: LessonTry[];
  /** The lab colours message dots by routing key or priority; null: by delivery state. */
  colourBy: LessonColourBy | null;
}

/** What a lesson may colour the lab's message dots by (spec.ts's LESSON_COLOUR_BY). */
export type LessonColourBy = 'routingKey' | 'priority';

/** Run budgets: a run that would exceed one stops with an error naming it. */
export interface Limits {
  maxEvents: number;
  /** ms of simulated time */
  maxSimTime: number;
  maxMessagesHeld: number;
  /** Events at one simulated instant: more is a loop that takes no time. */
  maxEventsAtInstant: number;
}

export interface Scenario {
  name: string;
  description: string;
  seed: number;
  /** ms; null only when until is 'drained' and no cap was given */
  duration: number | null;
  until: 'time' | 'drained';
  warmup: number;
  /** ms; null means automatic (duration/200, or adaptive for open-ended runs) */
  sampleEvery: number | null;
  producers: Producer[];
  channels: Channel[];
  consumers: Consumer[];
  broker: Broker;
  network: Network;
  faults: Fault[];
  limits: Limits;
  /** Extension: lesson-card metadata for the lab (null when the file has none); not simulated. */
  lesson: Lesson | null;
}

/** One validation problem: `path` like `consumers[0].prefetch`, message like `must be ≥ 1`. */
export interface ValidationError {
  path: string;
  message: string;
}

export type ValidationResult =
  { ok: true; scenario: Scenario } | { ok: false; errors: ValidationError[] };
