// What the engine worker and the lab's main thread say to each other. Plain data only: frames
// carry columnar typed arrays that the worker transfers (not copies) to the main thread.

import type {
  FaultAction,
  LessonColourBy,
  Report,
  Totals,
  ValidationError,
  TheoryBlock,
} from '../../sim-core/index';

/** A node of the topology, as the lab draws it. Indices match the engine's. */
export interface TopologyModel {
  /** Senders (message-id owners): producers first, then emitting consumers. */
  senders: Array<{
    name: string;
    kind: 'producer' | 'consumer';
    producer: number;
    consumer: number;
  }>;
  /** `requests`: it waits for replies (request–reply). */
  producers: Array<{
    id: string;
    channel: number;
    requests: boolean;
    /** It waits for publisher confirms; it batches its publishes. */
    confirms: boolean;
    batches: boolean;
  }>;
  channels: Array<{
    id: string;
    kind: 'queue' | 'topic' | 'log' | 'direct' | 'exchange';
    /** Internal queues: the queue itself, or one per topic subscription, or one per log group. */
    queues: number[];
    /** An exchange's bindings (channel index, and the key or headers shown on the edge). */
    bindings: Array<{ to: number; label: string }>;
    /** An exchange's alternate channel, or −1. */
    alternate: number;
    /** An exchange's type (direct, topic, fanout, headers), else ''. */
    exchangeType: string;
    partitions: number;
    /** Channel a dead-lettered copy goes to, per internal queue (-1 none). */
    deadLetter: number[];
    /** The tag beside its name: its kind, an exchange's type, `quorum ×3`, `log ×3`. */
    tag: string;
  }>;
  /** The broker's nodes (`broker#1`...); one for a single broker. */
  nodes: string[];
  queues: Array<{ name: string; channel: number; label: string }>;
  consumers: Array<{
    id: string;
    queue: number;
    instances: number[];
    emits: number[];
    group: number;
  }>;
  instances: Array<{ name: string; consumer: number; queue: number }>;
  /** Log consumer groups: target is the internal queue index used for their counters. */
  groups: Array<{ name: string; channel: number; target: number; partitions: number }>;
  /** What dots can be coloured by besides their state: the legend of each class, in order. */
  classes: { routingKey: string[]; priority: number[] };
  /** What the lesson colours dots by (null: delivery state). */
  colourBy: LessonColourBy | null;
  /** One-way hop latency (mean, µs): how long a dot takes to travel, before speed scaling. */
  hopUs: number;
  durationUs: number;
}

/** Events in columns. `sender`/`seq` name the message (-1 for non-message events). */
export interface EventColumns {
  count: number;
  kind: Uint8Array;
  timeUs: Float64Array;
  where: Int32Array;
  aux: Float64Array;
  sender: Int32Array;
  seq: Int32Array;
  /**
   * The message's dot class by routing key and by priority (0: none; k: the model's
   * `classes.routingKey[k − 1]` / `classes.priority[k − 1]`); empty when not coloured so.
   */
  keyClass: Uint8Array;
  priorityClass: Uint8Array;
}

/** The state of every node at the end of a frame. */
export interface NodeState {
  brokerUp: boolean;
  /** Per broker node: 0 up, 1 crashed, 2 cut off. */
  brokerNodes: Uint8Array;
  /** Per internal queue: 1 while it has no leader (a log group's: any of its partitions). */
  leaderless: Uint8Array;
  /** Per internal queue. */
  ready: Int32Array;
  unacked: Int32Array;
  /** Per instance: 0 idle, 1 busy, 2 crashed, 3 cut off, 4 frozen; busy servers; prefetched; slow factor. */
  instanceState: Uint8Array;
  busy: Int32Array;
  buffered: Int32Array;
  slow: Float32Array;
  /** Per producer: 1 while cut off from the broker by a network partition, else 0. */
  producerCutOff: Uint8Array;
  /** Per group, per partition (flattened by group): owner instance (-1 none) and lag. */
  partitionOwner: Int32Array;
  partitionLag: Float64Array;
  /** Per group, per partition (flattened by group): 1 while the partition has no leader. */
  partitionLeaderless: Uint8Array;
}

/** Time-series points since the previous frame (one per sampling interval). */
export interface SeriesPoints {
  tMs: Float64Array;
  /** End-to-end and queue-wait percentiles in ms over each interval (NaN when nothing completed). */
  e2eP50: Float64Array;
  e2eP90: Float64Array;
  e2eP99: Float64Array;
  waitP50: Float64Array;
  waitP90: Float64Array;
  waitP99: Float64Array;
  inPerSec: Float64Array;
  outPerSec: Float64Array;
  /** Depth per internal queue, row-major: point i, queue q at [i * queues + q]. */
  depth: Int32Array;
}

/** Cumulative latency distribution: (latency ms, fraction ≤) pairs for a CDF or histogram. */
export interface Distribution {
  count: number;
  e2eMs: Float64Array;
  waitMs: Float64Array;
  /** Quantile levels matching each point. */
  q: Float64Array;
}

/** The report's `consumers.<id>` counters, live: one column per field, a row per consumer. */
export const CONSUMER_FIELDS = [
  'processed',
  'duplicatesProcessed',
  'orderViolations',
  'crashes',
  'utilization',
] as const;
/** The report's `channels.<name>` counters of a queue, subscription or log group, live. */
export const QUEUE_FIELDS = [
  'enqueued',
  'processed',
  'deadLettered',
  'expired',
  'dropped',
  'lost',
  'depthMax',
] as const;
/** The report's `producers.<id>` request counters (request–reply), live, a row per producer. */
export const REQUEST_FIELDS = ['replies', 'replyTimeouts', 'lateReplies', 'failed'] as const;
/** The report's `producers.<id>` publish counters, live, a row per producer. */
export const PRODUCER_FIELDS = [
  'published',
  'confirmed',
  'batches',
  'batchSizeMean',
  'blockedMs',
  'unsentAtEnd',
] as const;
/** The report's `broker.nodes[]` numbers, live, a row per node. */
export const BROKER_NODE_FIELDS = ['utilization', 'fsyncs', 'blockedMs', 'crashes'] as const;
/** A latency summary's fields (ms but `count`), as in the report's LatencySummaryMs. */
export const LATENCY_FIELDS = ['count', 'mean', 'p50', 'p90', 'p99', 'max'] as const;
export type LatencyField = (typeof LATENCY_FIELDS)[number];
export type LatencyColumns = Record<LatencyField, Float64Array>;

/** Per-node numbers so far: what the report will say per consumer, queue and exchange. */
export interface NodeStats {
  /** Per consumer definition (utilization: busy fraction after warmup; NaN before it). */
  consumers: Record<(typeof CONSUMER_FIELDS)[number], Float64Array>;
  /** Per internal queue. */
  queues: Record<(typeof QUEUE_FIELDS)[number], Float64Array>;
  /** Per channel: what an exchange routed and found unroutable (0 for other channels). */
  routed: Float64Array;
  unroutable: Float64Array;
  /** Per producer (0 for one that makes no requests). */
  requests: Record<(typeof REQUEST_FIELDS)[number], Float64Array>;
  /** Per producer: its publishes. */
  producers: Record<(typeof PRODUCER_FIELDS)[number], Float64Array>;
  /** Per broker node (utilization: busy fraction after warmup), and what each leads now. */
  brokerNodes: Record<(typeof BROKER_NODE_FIELDS)[number], Float64Array>;
  leaderOf: string[][];
}

/** Latency summaries so far (after warmup); costs quantile scans, so sent now and then. */
export interface LatencyStats {
  /** Per consumer (the first MAX_LATENCY_CONSUMERS; NaN past them): own hop, from the origin. */
  consumers: LatencyColumns;
  fromOrigin: LatencyColumns;
  /** End-to-end per message priority with completions (`latency.byPriority`), ascending. */
  priorities: Int32Array;
  byPriority: LatencyColumns;
  /** Request → reply per producer (`producers.<id>.roundTrip`; NaN for one without requests). */
  roundTrip: LatencyColumns;
  /** Intended send → confirm per producer (`producers.<id>.publishLatency`; NaN: none yet). */
  publish: LatencyColumns;
}

/** Consumers whose latency summaries are sent (a table longer than this is not read). */
export const MAX_LATENCY_CONSUMERS = 64;

/**
 * The anomalies the lab lists, as the report's counters name them (ANOMALIES says what each
 * means): an entry's `kind` is an index into this list.
 */
export const ANOMALY_KINDS = [
  'redelivered',
  'duplicatesProcessed',
  'duplicatesEnqueued',
  'orderViolations',
  'lost',
  'deadLettered',
  'expired',
  'dropped',
  'unroutable',
] as const satisfies ReadonlyArray<keyof Totals>;

/** One anomaly: the event that moved its counter. */
export interface AnomalyEntry {
  timeUs: number;
  /** Index into ANOMALY_KINDS. */
  kind: number;
  /** The event's kind and `where` (EVENT_KINDS says what it indexes). */
  event: number;
  where: number;
  /** The message (−1 for none). */
  sender: number;
  seq: number;
}

/** Anomalies kept per kind at most (all are counted). */
export const ANOMALY_LIMIT = 500;

/** Anomalies kept, from index `from` on. */
export interface AnomalyList {
  from: number;
  entries: AnomalyEntry[];
}

export interface Frame {
  nowUs: number;
  done: boolean;
  /** Events handled by the engine so far (all of them, not just the ones sent). */
  engineEvents: number;
  /** Sent events: every message's events when sampleEvery = 1, else 1 message in sampleEvery. */
  events: EventColumns;
  sampleEvery: number;
  state: NodeState;
  series: SeriesPoints;
  totals: Totals;
  stats: NodeStats;
  /** With the distribution (and in the last frame); else null: keep the previous one. */
  latency: LatencyStats | null;
  distribution: Distribution | null;
  theory: TheoryBlock | null;
  traceHash: string;
  report: Report | null;
  /** Anomalies kept so far (up to the furthest time reached): fetch the new ones. */
  anomalyCount: number;
  /** Per kind (ANOMALY_KINDS order), up to the furthest time reached, kept or not. */
  anomalyCounts: number[];
}

/** A live fault (durations in ms), recorded into the scenario's timeline at the current time. */
export type LiveFault = FaultAction;

export type LoadResult =
  | {
      ok: true;
      model: TopologyModel;
      scenarioText: string;
      name: string;
      description: string;
      seed: number;
    }
  | { ok: false; errors: ValidationError[] };

/** One event in a message's life, for the inspector. */
export interface LifecycleEntry {
  timeUs: number;
  kind: number;
  where: number;
  aux: number;
}

export interface Lifecycle {
  id: string;
  entries: LifecycleEntry[];
  /** Events older than this were not kept (the log is bounded). */
  keptFromUs: number;
  /** At "max" only sampled messages' histories are kept: this one's may be incomplete. */
  partial: boolean;
  /** The message whose processing published this one (an event-driven chain), or null. */
  parent: string | null;
  /** The lives of the messages its processings published, a few levels deep. */
  children: Lifecycle[];
}
