// The engine's scheduled task kinds (heap event kinds). A task carries three numbers (a, b, c)
// whose meaning depends on its kind; engine.ts hands each to the module for its concern. A
// zero-latency hop runs the same task at once (Ctx.run), so modules never call each other back.

export const Task = {
  produce: 1,
  atBroker: 2,
  atConsumer: 3,
  serviceDone: 4,
  ackAtBroker: 5,
  ackDeadline: 6,
  retryReady: 7,
  nackAtBroker: 8,
  crash: 9,
  restart: 10,
  detect: 11,
  ttlCheck: 12,
  fault: 13,
  faultEnd: 14,
  brokerCrash: 15,
  brokerRestart: 16,
  confirmAtProducer: 17,
  confirmTimeout: 18,
  retryPublish: 19,
  logRetention: 40,
  commitAtBroker: 41,
  commitTick: 42,
  /** A consumer's reject without requeue (dead-letter it). */
  rejectAtBroker: 43,
  /** Request–reply: a reply at the broker, at its producer, and a request's timeout. */
  replyAtBroker: 44,
  replyAtProducer: 45,
  replyTimeout: 46,
  /** A publish the broker node has done its work on (finite capacity): a, b as atBroker; c its epoch. */
  served: 47,
  /** A producer batch's linger is over: send it (a: producer, c: the batch's number). */
  lingerEnd: 48,
  /** A replicated log record is committed (a: log × 65536 + partition, b: offset, c: leader epoch). */
  logCommit: 49,
  /** An election (a: queue or log index, b: partition, c: 0 a queue, 1 a log partition). */
  election: 50,
  /** A crashed broker node restarts (a: node). */
  nodeRestart: 51,
  /** The memory monitor of an alarmed node (a: node). */
  memoryCheck: 52,
  /** A confirming producer's batch: its confirm timeout (b: attempt) and retry (a: producer, c: batch id). */
  batchTimeout: 53,
  retryBatch: 54,
} as const;

export type TaskKind = (typeof Task)[keyof typeof Task];
