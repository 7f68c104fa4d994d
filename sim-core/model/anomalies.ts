// The report's anomaly counters, described once: what each means to a user, which options and
// faults produce it, and which real broker behaviour it mirrors. Feeds the docs and the UI tooltips.

import type { Totals } from '../metrics/collector';

/** One anomaly counter of `report.totals`. */
export interface Anomaly {
  /** The field in `report.totals`. */
  field: keyof Totals;
  /** A short label for tables and the UI. */
  title: string;
  /** One sentence: what the counter means to a user (shown as its tooltip). */
  meaning: string;
  /** Which options and faults produce it. */
  causes: readonly string[];
  /** The real broker behaviour it mirrors. */
  mirrors: string;
}

/** Every anomaly counter of the report's totals, in display order. */
export const ANOMALIES: readonly Anomaly[] = [
  {
    field: 'duplicatesProcessed',
    title: 'Duplicates processed',
    meaning:
      'Processing completions beyond the first for a copy already processed: a side effect that ran again.',
    causes: [
      'a consumer crash or partition after the side effect but before its ack reached the broker (manual ack)',
      'a frozen consumer that wakes after the heartbeat gave up on it and finishes work already redelivered',
      'an ackTimeout shorter than processing plus the ack trip',
      'a durable broker crash while acks were on the wire',
      'producer retries accepted twice (duplicatesEnqueued)',
      'log: a crash, partition or broker crash before the offset commit (interval commits widen the gap)',
      'log: resetOffsets to earliest (a replay)',
    ],
    mirrors:
      'At-least-once delivery: RabbitMQ requeues unacked messages when a connection dies, SQS makes a message visible again after its visibility timeout, Kafka re-reads from the last committed offset after a rebalance.',
  },
  {
    field: 'duplicatesSuppressed',
    title: 'Duplicates suppressed',
    meaning:
      'Deliveries an idempotent consumer recognised by message id and acked without running the side effect again.',
    causes: ['consumer idempotent: true, together with any cause of duplicates'],
    mirrors:
      'The idempotent-consumer pattern (a processed-ids table next to the side effect); no broker does this for the consumer.',
  },
  {
    field: 'duplicatesEnqueued',
    title: 'Duplicates enqueued',
    meaning:
      'Further acceptances of a copy the broker already held: a producer retry whose earlier attempt had in fact arrived.',
    causes: [
      'producer confirm with lost confirms (network.confirmLoss), a confirm timeout shorter than the round trip, or a partition',
      'no idempotent producer and no dedupWindow covering the retry',
    ],
    mirrors:
      'RabbitMQ publisher confirms with client-side retries (the broker cannot tell a retry from a new message); a Kafka producer without idempotence.',
  },
  {
    field: 'deduplicated',
    title: 'Deduplicated',
    meaning: 'Retried publishes the broker dropped because it already held that message id.',
    causes: [
      'producer idempotent: true',
      'a dedupWindow on the queue or subscription covering the retry',
    ],
    mirrors:
      "Kafka's idempotent producer (producer id + sequence), the SQS FIFO deduplication id (5 minutes), NATS JetStream's Msg-Id window (2 minutes).",
  },
  {
    field: 'orderViolations',
    title: 'Order violations',
    meaning:
      'Completions of a keyed message whose producer sequence is below one already completed for the same key, producer and queue, subscription or log group.',
    causes: [
      'competing consumers (instances > 1) or concurrency > 1 on a queue',
      'redeliveries after a nack, an ack timeout or a crash, more so with requeue: back and a retryDelay',
      'fifoGroups or a partitioned log prevent them, except after producer retries (confirm with retries), which re-send a message after later ones; keyless messages are never checked',
    ],
    mirrors:
      'RabbitMQ and SQS standard queues are FIFO only towards a single consumer processing one message at a time; Kafka orders per partition.',
  },
  {
    field: 'lost',
    title: 'Lost',
    meaning:
      'Copies gone from the broker that were never processed, nor dead-lettered, expired or dropped.',
    causes: [
      'ack: auto with a consumer crash (its buffer and the message in progress), and deliveries sent to it before the broker noticed',
      'ack: auto with a failed processing attempt (failRate, poison)',
      'a crash of a transient broker (broker.durable: false)',
      'log retention deleting records a group had not processed',
      'resetOffsets to latest',
      'a direct call whose instance crashed',
    ],
    mirrors:
      "RabbitMQ noAck consumers and non-persistent messages; Kafka's retention deleting records a group has not read.",
  },
  {
    field: 'publishLost',
    title: 'Publishes lost',
    meaning:
      'Publish attempts the network lost on their way to the broker: a confirming producer times out and retries, any other loses the message.',
    causes: ['network.publishLoss (a batch is lost as one)'],
    mirrors:
      'A TCP connection dropped with a publish in its send buffer; a Kafka produce request that times out.',
  },
  {
    field: 'lostAcknowledged',
    title: 'Lost after confirm',
    meaning:
      "Copies the broker had confirmed to their producer and then lost: Jepsen's lost write, the gravest anomaly (also counted in lost).",
    causes: [
      'a crash of a transient broker (broker.durable: false) after it confirmed the publish',
    ],
    mirrors:
      'RabbitMQ confirms of non-persistent messages before a node restart; Kafka acks=1 records lost when the leader fails over before its followers have them.',
  },
  {
    field: 'unavailableMs',
    title: 'Time without a leader',
    meaning:
      'Milliseconds the channels had no leader to take publishes or deliver, summed over channels.',
    causes: ['a broker crash (every channel waits for its restart)'],
    mirrors:
      'A RabbitMQ node restart, or a Kafka partition between its leader failing and the election of the next.',
  },
  {
    field: 'deadLettered',
    title: 'Dead-lettered',
    meaning:
      'Copies given up after maxDeliveries unsuccessful deliveries: moved to the deadLetter channel, or discarded if there is none.',
    causes: [
      'maxDeliveries with poison messages or failRate (nacks)',
      'maxDeliveries with ack timeouts or consumer crashes (every unacked delivery counts)',
    ],
    mirrors:
      "SQS's redrive policy (maxReceiveCount), RabbitMQ quorum queues' delivery limit (x-delivery-limit L = maxDeliveries L + 1), Pub/Sub's maximum delivery attempts.",
  },
  {
    field: 'expired',
    title: 'Expired',
    meaning:
      "Ready copies that outlived the queue's ttl before a consumer took them (moved to the deadLetter channel if set).",
    causes: [
      'ttl with a backlog: too few or slow consumers, a broker outage',
      'a long retryDelay (the TTL counts from the first enqueue)',
    ],
    mirrors:
      "RabbitMQ's queue message TTL (x-message-ttl): expired messages leave at the head of the queue and are dead-lettered.",
  },
  {
    field: 'dropped',
    title: 'Dropped',
    meaning:
      'Ready copies discarded to make room in a full maxLength queue with overflow drop-head (moved to the deadLetter channel if set).',
    causes: ['maxLength with overflow: drop-head under overload'],
    mirrors:
      "RabbitMQ's x-max-length with the default drop-head overflow: the oldest ready message is dropped or dead-lettered.",
  },
  {
    field: 'rejected',
    title: 'Rejected',
    meaning:
      'Publishes refused: a full queue with overflow reject-publish, the broker down, or a direct call that found no free instance in time.',
    causes: [
      'maxLength with overflow: reject-publish',
      'publishing while the broker is crashed',
      'a direct channel whose instances stay busy longer than its timeout',
      'a dead-letter channel with reject-publish refusing a dead-lettered copy (counted here too)',
    ],
    mirrors:
      "RabbitMQ's reject-publish overflow (a basic.nack to a confirming publisher); a broker that refuses connections while it restarts; a client call timing out while it waits for a free server.",
  },
  {
    field: 'publishFailed',
    title: 'Publishes failed',
    meaning:
      'Messages a confirming producer gave up on after its retries; one of the attempts may still have reached the broker.',
    causes: [
      'producer confirm with lost confirms, a broker outage, reject-publish nacks or a long partition outlasting timeout and backoffs',
    ],
    mirrors:
      'A RabbitMQ publisher that stops retrying unconfirmed messages; a Kafka producer whose retries or delivery timeout run out.',
  },
  {
    field: 'unroutable',
    title: 'Unroutable',
    meaning:
      'Publishes that reached no queue, topic subscription or log: nobody receives them, and they are not copies (outside the conservation check).',
    causes: [
      'an exchange whose bindings match nothing and no alternate',
      'a topic with no subscriptions, or whose subscription filters all refuse the message',
    ],
    mirrors:
      'RabbitMQ drops an unroutable message (without the mandatory flag, after the alternate exchange); SNS and Google Pub/Sub drop messages no subscription takes.',
  },
  {
    field: 'replyTimeouts',
    title: 'Reply timeouts',
    meaning:
      'Requests (request–reply) whose reply had not reached the producer when its timeout ran out: the caller gave up.',
    causes: [
      'a backlog longer than the timeout (a spike, a slow, frozen or crashed consumer)',
      'a request that was never processed: dead-lettered, expired, dropped, lost or refused',
      'a reply lost with a crashed broker',
    ],
    mirrors:
      'an RPC client over RabbitMQ (reply-to, correlation id) or NATS request/reply giving up after its timeout; an HTTP client timeout.',
  },
  {
    field: 'lateReplies',
    title: 'Late replies',
    meaning:
      'Replies that reached the producer after it had given up on the request: work done for nobody.',
    causes: [
      'a request processed after its timeout (queued behind a backlog, or by a consumer that woke up)',
    ],
    mirrors:
      'replies an RPC client drops because no caller waits for their correlation id any more.',
  },
  {
    field: 'redelivered',
    title: 'Redelivered',
    meaning: 'Deliveries of a message that had been delivered before (delivery number above 1).',
    causes: [
      'a nack after a failed attempt (failRate, poison)',
      'ackTimeout',
      'a consumer crash (its connection closes), or a freeze or partition noticed after the heartbeat',
      'a durable broker crash',
      'log: re-reading records the group had processed, after a crash, partition, broker crash or resetOffsets',
    ],
    mirrors:
      "RabbitMQ's redelivered flag, SQS's ApproximateReceiveCount above 1, a Kafka consumer re-reading from the committed offset.",
  },
  {
    field: 'pendingAtEnd',
    title: 'Pending at end',
    meaning:
      'Copies still ready, unacked, waiting out a retry delay, in a consumer or not yet processed by their log group when the run stopped.',
    causes: [
      'a backlog when a timed run ends',
      'stalled consumers: lost acks without an ackTimeout, a poison record blocking its log partition, every instance crashed',
    ],
    mirrors:
      "RabbitMQ's messages_ready + messages_unacknowledged, SQS's visible + in-flight messages, a Kafka consumer group's lag.",
  },
];

/** A table cell: no pipes or line breaks to break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** The anomaly table as Markdown (docs/semantics.md embeds it between markers). */
export function renderAnomalyTable(): string {
  const rows = ANOMALIES.map(
    (a) =>
      `| \`${a.field}\` | ${cell(a.title)} | ${cell(a.meaning)} | ${cell(a.causes.join('; '))} | ${cell(a.mirrors)} |`,
  );
  return [
    '| Counter | Title | Meaning | Caused by | Mirrors |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
