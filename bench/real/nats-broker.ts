// NATS JetStream as a LiveBroker (the `nats` client): each queue is a work-queue stream with
// one durable pull consumer that its consumer instances share (competing consumers); each topic
// is an interest stream with a durable consumer per subscription (fan-out). A queue's
// ackTimeout is the consumer's AckWait, maxDeliveries its MaxDeliver, dedupWindow the stream's
// duplicate window, with the message id as Nats-Msg-Id. JetStream dead-letters nothing: a
// message past MaxDeliver stays in the stream and an advisory says so, which the run records.

import { AckPolicy, RetentionPolicy, StorageType, connect, nanos } from 'nats';
import type { NatsConnection } from 'nats';
import type { QueueOptions, Scenario } from '../../sim-core/index';
import { RunError } from '../cli/errors';
import type { LiveBroker } from './live-run';
import type { PublishPlan } from './plan';
import type { RealRecords } from './real-report';

/** A queue without an ackTimeout redelivers only on nack: an AckWait that cannot fire in a run. */
const NO_ACK_WAIT_MS = 24 * 3600_000;
/** Publishes awaiting their PubAck before the publisher waits (flow control). */
const MAX_IN_FLIGHT = 4096;

async function connectNats(url: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, reconnect: false, timeout: 5000 });
  } catch (e) {
    const why = e instanceof Error ? e.message || e.name : String(e);
    throw new RunError(`cannot reach the broker at ${url}: ${why}`);
  }
}

/** Stream names allow neither dots nor wildcards. */
const streamName = (prefix: string, channel: string) =>
  `${prefix}_${channel}`.replace(/[^A-Za-z0-9_-]/g, '_');

export async function openNats(
  url: string,
  s: Scenario,
  prefix: string,
  st: PublishPlan['st'],
): Promise<LiveBroker> {
  const nc = await connectNats(url);
  const version = nc.info?.version ?? 'unknown';
  const jsm = await nc.jetstreamManager().catch((e: unknown) => {
    void nc.close();
    throw new RunError(
      `${url} answers, but without JetStream (${String(e)}): start nats-server -js`,
    );
  });
  const js = nc.jetstream();
  // Per internal queue: its stream, durable consumer and options.
  const queues = st.topo.queues.map((q) => {
    const [channelId, subId] = q.name.split('/');
    const ch = s.channels.find((c) => c.id === channelId)!;
    const options = (
      ch.kind === 'topic' ? ch.subscriptions.find((x) => x.id === subId)! : ch
    ) as QueueOptions;
    const auto = s.consumers.some((c) => c.from === q.name && c.ack === 'auto');
    return {
      channel: channelId,
      stream: streamName(prefix, channelId),
      durable: (subId ?? 'consumers').replace(/[^A-Za-z0-9_-]/g, '_'),
      options,
      auto,
    };
  });
  const subjectOf = (channel: string) => `${prefix}.${channel}`;
  // stream → sequence → message id, for the MaxDeliver advisories, which name a sequence.
  const ids = new Map<string, Map<number, string>>();
  const givenUp: RealRecords['givenUp'] = [];
  let inFlight = 0;
  let resume: (() => void) | null = null;

  return {
    backend: { kind: 'nats', version, url },
    async declare() {
      for (const c of s.channels) {
        if (c.kind !== 'queue' && c.kind !== 'topic') continue;
        const dedup = c.kind === 'queue' ? c.dedupWindow : null;
        await jsm.streams.add({
          name: streamName(prefix, c.id),
          subjects: [subjectOf(c.id)],
          retention: c.kind === 'queue' ? RetentionPolicy.Workqueue : RetentionPolicy.Interest,
          storage: s.broker.durable ? StorageType.File : StorageType.Memory,
          ...(dedup !== null ? { duplicate_window: nanos(dedup) } : {}),
        });
        ids.set(streamName(prefix, c.id), new Map());
      }
      for (const [q, info] of queues.entries()) {
        await jsm.consumers.add(info.stream, {
          durable_name: info.durable,
          ack_policy: info.auto ? AckPolicy.None : AckPolicy.Explicit,
          ack_wait: nanos(info.options.ackTimeout ?? NO_ACK_WAIT_MS),
          max_deliver: info.options.maxDeliveries ?? -1,
          max_ack_pending: -1, // each instance holds at most its prefetch (pull credit)
        });
        const sub = nc.subscribe(
          `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${info.stream}.${info.durable}`,
        );
        void (async () => {
          for await (const m of sub) {
            const seq = Number((m.json() as { stream_seq?: number }).stream_seq);
            const id = ids.get(info.stream)?.get(seq);
            if (id !== undefined)
              givenUp.push({ queue: q, id, t: performance.timeOrigin + performance.now() });
          }
        })();
      }
    },
    source: (q) => ({
      kind: 'nats',
      stream: queues[q].stream,
      durable: queues[q].durable,
      ackWaitMs: queues[q].options.ackTimeout ?? NO_ACK_WAIT_MS,
    }),
    async publish(m, def, settled) {
      const stream = streamName(prefix, def.to);
      inFlight++;
      js.publish(subjectOf(def.to), new Uint8Array(Math.max(0, Math.round(m.size))), {
        msgID: m.id, // Nats-Msg-Id: the duplicate window's key, and how consumers know it
      })
        .then(
          (ack) => {
            ids.get(stream)?.set(ack.seq, m.id);
            settled(true);
          },
          () => settled(false),
        )
        .finally(() => {
          inFlight--;
          resume?.();
          resume = null;
        });
      if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (resume = r));
    },
    async ready() {
      const out: number[] = [];
      for (const info of queues)
        out.push((await jsm.consumers.info(info.stream, info.durable)).num_pending);
      return out;
    },
    givenUp: () => givenUp,
    async close() {
      for (const name of ids.keys()) await jsm.streams.delete(name).catch(() => false);
      await nc.close().catch(() => {});
    },
  };
}
