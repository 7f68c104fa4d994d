// What `brokerlab real` and its consumer processes say to each other over Node's IPC channel.
// A consumer process reports each delivery when it arrives and when its processing ends (before
// the ack goes out, so a SIGKILL between the two still shows the processing as done).

import type { Dist } from '../../sim-core/index';

/** Everything one consumer instance process needs; times are ms since `epochMs`. */
export interface ConsumerConfig {
  url: string;
  source: ConsumerSource;
  /** `workers#2`: its random streams are the engine's for this instance. */
  instance: string;
  seed: number;
  prefetch: number;
  concurrency: number;
  service: Dist;
  ack: 'manual' | 'auto';
  failRate: number;
  poison: number;
  reject: { probability: number; requeue: boolean } | null;
  neverAck: boolean;
  /** AMQP heartbeat in seconds (0: off). */
  heartbeatSec: number;
  /** Leave Nagle's algorithm on (the client library's default): only to show its effect. */
  nagle: boolean;
  /** performance.timeOrigin + performance.now() at the run's start, in the parent. */
  epochMs: number;
}

/** Where an instance consumes: a RabbitMQ queue, or a JetStream stream's durable consumer. */
export type ConsumerSource =
  | { kind: 'amqp'; queue: string }
  | { kind: 'nats'; stream: string; durable: string; ackWaitMs: number };

/** How the processing of a delivery ended. */
export const Outcome = {
  /** Processed and acked. */
  acked: 0,
  /** Processing failed (failRate, poison): nacked with requeue, as RabbitMQ's consumers do. */
  failed: 1,
  /** Rejected on receipt, unprocessed (the consumer's `reject`). */
  rejectedRequeue: 2,
  rejectedDrop: 3,
  /** Auto-ack: processed (the broker forgot it at delivery). */
  autoProcessed: 4,
  /** Auto-ack and the processing failed: the message is gone. */
  autoFailed: 5,
  /** Processed but never acked (neverAck). */
  neverAcked: 6,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** A dead letter's first x-death entry: why and from which queue (broker name). */
export interface Death {
  reason: string;
  queue: string;
}

/** A delivery as it reached a consumer process. */
export interface Receipt {
  id: string;
  t: number;
  redelivered: boolean;
  death: Death | null;
}

/** A processing as it ended: start and end, the sampled service time, and the outcome. */
export interface Processing {
  id: string;
  start: number;
  end: number;
  /** The service time drawn, times `slow`, the slow-fault factor in force. */
  sampled: number;
  slow: number;
  outcome: Outcome;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | ({ type: 'received' } & Receipt)
  | ({ type: 'done' } & Processing);

export type ParentMessage =
  | { type: 'start'; config: ConsumerConfig }
  /** A `slow` fault: service times are multiplied by this factor from now on. */
  | { type: 'slow'; factor: number };
