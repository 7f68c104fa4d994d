// `brokerlab real` against RabbitMQ: declares the scenario's topology under a fresh prefix,
// starts one OS process per consumer instance, publishes the plan at its absolute instants with
// publisher confirms, applies consumer faults (crash = SIGKILL, freeze = SIGSTOP, slow), stops at
// the scenario's end, drains to tell late messages from lost ones, and deletes what it declared.

import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import amqp from 'amqplib';
import type { ConfirmChannel, ChannelModel } from 'amqplib';
import { compileFaults } from '../../sim-core/index';
import type { Scenario } from '../../sim-core/index';
import { RunError } from '../cli/errors';
import { builtEntry } from '../harness/built';
import { amqpTopology, brokerName } from './amqp-topology';
import type { AmqpTopology } from './amqp-topology';
import { PublishPlan } from './plan';
import { realReport } from './real-report';
import { hopSamples } from './hop-samples';
import { latencyQuantilesMs } from '../harness/latency-cdf';
import type { HopSamples } from './hop-samples';
import type { PublishRecord, RealRecords, RealReport } from './real-report';
import type { ChildMessage, ConsumerConfig, ParentMessage } from './consumer-protocol';

export interface RealOptions {
  url: string;
  seed: number;
  /** Leave Nagle's algorithm on in every client (amqplib's default), to show what it costs. */
  nagle: boolean;
  /** The most time the drain after the end may take (ms). */
  drainMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
/** The longest a run with `until: drained` may take, when the scenario gives no duration. */
const DRAINED_CAP_MS = 10 * 60_000;

/** Connects, or fails with one line naming the URL (exit 1). */
export async function connectRabbit(url: string, nagle: boolean): Promise<ChannelModel> {
  try {
    return await amqp.connect(url, { noDelay: !nagle, timeout: 5000 });
  } catch (e) {
    const why = e instanceof Error ? e.message || e.name : String(e);
    throw new RunError(`cannot reach the broker at ${url}: ${why}`);
  }
}

async function declare(ch: ConfirmChannel, t: AmqpTopology): Promise<void> {
  for (const x of t.exchanges)
    await ch.assertExchange(x.broker, x.type, { durable: t.durable, arguments: x.arguments });
  for (const q of t.queues)
    await ch.assertQueue(q.broker, { durable: t.durable, arguments: q.arguments });
  for (const b of t.bindings)
    if (b.destinationIsQueue) await ch.bindQueue(b.destination, b.source, b.key, b.arguments);
    else await ch.bindExchange(b.destination, b.source, b.key, b.arguments);
}

async function undeclare(conn: ChannelModel, t: AmqpTopology): Promise<void> {
  const ch = await conn.createChannel();
  ch.on('error', () => {});
  for (const q of t.queues) await ch.deleteQueue(q.broker).catch(() => {});
  for (const x of t.exchanges) await ch.deleteExchange(x.broker).catch(() => {});
  await ch.close().catch(() => {});
}

/** A live run's report, and the raw measurements `calibrate` feeds back into the simulator. */
export interface RealRun {
  report: RealReport;
  /** Per consumer (scenario order): each processing's duration, ms, with slow faults divided out. */
  service: number[][];
  /** One network hop, ms, and what it was measured from. */
  hop: HopSamples;
  /** End-to-end latency quantiles on the compare CDF grid (null: nothing finished). */
  endToEndCdfMs: number[] | null;
}

export async function runOnRabbit(s: Scenario, o: RealOptions): Promise<RealRun> {
  const wallStart = performance.now();
  const epochMs = performance.timeOrigin + performance.now();
  const now = () => performance.timeOrigin + performance.now() - epochMs;
  const conn = await connectRabbit(o.url, o.nagle);
  conn.on('error', () => {});
  const version = String(conn.connection.serverProperties.version ?? 'unknown');
  const topo = amqpTopology(s, `brokerlab-${randomBytes(4).toString('hex')}`);
  const durationMs = s.duration ?? DRAINED_CAP_MS;
  const plan = new PublishPlan(s, o.seed, durationMs);
  const st = plan.st;
  const queueOf = new Map(topo.queues.map((q) => [q.name, q.broker]));
  const brokerQueueIndex = new Map(
    st.topo.queues.map((q, i) => [brokerName(topo.prefix, q.name), i]),
  );
  const rec: RealRecords = {
    publishes: [],
    receipts: [],
    done: [],
    crashes: [],
    readyAfterDrain: [],
  };
  const warnings: string[] = [];
  const children: Array<ChildProcess | null> = st.topo.instances.map(() => null);
  const outstanding = st.topo.instances.map(() => new Map<string, number>());
  const timers: NodeJS.Timeout[] = [];
  let finished = false;

  const ch = await conn.createConfirmChannel();
  ch.on('error', () => {});
  try {
    await declare(ch, topo);

    const start = (i: number): Promise<void> => {
      const info = st.topo.instances[i];
      const def = s.consumers[info.consumer];
      const config: ConsumerConfig = {
        url: o.url,
        queue: queueOf.get(st.topo.queues[info.queue].name)!,
        instance: info.name,
        seed: o.seed,
        prefetch: def.prefetch,
        concurrency: def.concurrency,
        service: def.service,
        ack: def.ack,
        failRate: def.failRate,
        poison: def.poison,
        reject: def.reject,
        neverAck: def.neverAck,
        heartbeatSec: Math.ceil(def.heartbeat / 1000),
        nagle: o.nagle,
        epochMs,
      };
      const child = fork(builtEntry('real-consumer.mjs'), [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children[i] = child;
      const held = outstanding[i];
      held.clear();
      return new Promise((resolve, reject) => {
        child.on('message', (m: ChildMessage) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'error')
            reject(new RunError(`consumer ${info.name} could not start: ${m.message}`));
          else if (m.type === 'received') {
            rec.receipts.push({
              instance: i,
              id: m.id,
              t: m.t,
              redelivered: m.redelivered,
              death: m.death,
            });
            held.set(m.id, (held.get(m.id) ?? 0) + 1);
          } else {
            const { id, start, end, sampled, slow, outcome } = m;
            rec.done.push({ instance: i, id, start, end, sampled, slow, outcome });
            const n = (held.get(m.id) ?? 1) - 1;
            if (n <= 0) held.delete(m.id);
            else held.set(m.id, n);
          }
        });
        child.on('exit', (code, signal) => {
          if (children[i] === child) children[i] = null;
          if (!finished && signal !== 'SIGKILL')
            warnings.push(`consumer ${info.name} exited by itself (${code ?? signal})`);
          reject(
            new RunError(`consumer ${info.name} exited before it was ready (${code ?? signal})`),
          );
        });
        child.send({ type: 'start', config } satisfies ParentMessage);
      });
    };
    await Promise.all(st.topo.instances.map((_, i) => start(i)));

    const runStart = now() + 50;
    // Faults at their instants: a crash is a SIGKILL (the broker sees the socket close).
    for (const f of compileFaults(s, st.topo)) {
      const at = runStart + f.atUs / 1000;
      timers.push(
        setTimeout(() => {
          for (const i of f.instances) {
            const child = children[i];
            if (f.kind === 'crash' && child !== null) {
              child.kill('SIGKILL');
              rec.crashes.push({ instance: i, t: now() });
              children[i] = null;
              outstanding[i].clear(); // the broker requeues what it held
              if (f.restartUs >= 0)
                timers.push(setTimeout(() => void start(i).catch(() => {}), f.restartUs / 1000));
            } else if (f.kind === 'freeze' && child !== null) {
              child.kill('SIGSTOP');
              timers.push(setTimeout(() => child.kill('SIGCONT'), f.forUs / 1000));
            } else if (f.kind === 'slow' && child !== null) {
              child.send({ type: 'slow', factor: f.factor } satisfies ParentMessage);
              timers.push(
                setTimeout(
                  () => children[i]?.send({ type: 'slow', factor: 1 / f.factor }),
                  f.forUs / 1000,
                ),
              );
            }
          }
        }, at - now()),
      );
    }

    // Publish at absolute instants: a client that falls behind shows it as latency.
    const zeros = Buffer.alloc(64 * 1024);
    const payload = (size: number) =>
      size <= zeros.length
        ? zeros.subarray(0, Math.max(0, Math.round(size)))
        : Buffer.alloc(Math.round(size));
    for (let m = plan.next(); m !== null; m = plan.next()) {
      const due = runStart + m.atUs / 1000;
      const ahead = due - now();
      if (ahead >= 1) await sleep(Math.floor(ahead));
      const def = s.producers[m.producer];
      const to = topo.publishTo.get(def.to)!;
      const r: PublishRecord = {
        id: m.id,
        producer: m.producer,
        seq: m.seq,
        key: m.key,
        size: m.size,
        intended: due - runStart,
        sent: now() - runStart,
        confirmed: null,
        refused: false,
        queues: m.queues,
      };
      rec.publishes.push(r);
      const headers: Record<string, unknown> = { ...(m.headers ?? {}) };
      if (m.key >= 0) headers['x-brokerlab-key'] = m.key;
      const ok = ch.publish(
        to.exchange,
        to.queue ?? m.routingKey,
        payload(m.size),
        {
          messageId: m.id,
          persistent: topo.durable,
          headers,
          ...(def.ttl !== null ? { expiration: String(Math.round(def.ttl)) } : {}),
          ...(m.priority > 0 ? { priority: m.priority } : {}),
        },
        (err) => {
          if (err) r.refused = true;
          else r.confirmed = now() - runStart;
        },
      );
      if (!ok) await once(ch, 'drain');
    }

    const drained = async (): Promise<boolean> => {
      rec.readyAfterDrain = [];
      for (const q of st.topo.queues)
        rec.readyAfterDrain.push((await ch.checkQueue(queueOf.get(q.name)!)).messageCount);
      const ready = rec.readyAfterDrain.reduce((a, b) => a + b, 0);
      const busy = outstanding.reduce((n, m) => n + m.size, 0);
      const unconfirmed = rec.publishes.some((p) => p.confirmed === null && !p.refused);
      return ready === 0 && busy === 0 && !unconfirmed;
    };
    let endMs: number;
    if (s.until === 'drained') {
      const cap = runStart + durationMs;
      while (!(await drained()) && now() < cap) await sleep(100);
      endMs = now() - runStart;
    } else {
      await sleep(runStart + durationMs - now());
      endMs = durationMs;
      const cap = now() + o.drainMs;
      while (now() < cap) {
        if (await drained()) break;
        await sleep(100);
      }
      await drained();
    }
    finished = true;
    const cores = cpus().length;
    if (loadavg()[0] > cores)
      warnings.push(
        `the client machine is overloaded (load average ${loadavg()[0].toFixed(1)} on ${cores} cores): latencies include its queueing`,
      );
    // Records are relative to the run's start from here on.
    for (const r of rec.receipts) r.t -= runStart;
    for (const d of rec.done) {
      d.start -= runStart;
      d.end -= runStart;
    }
    for (const c of rec.crashes) c.t -= runStart;
    const service = s.consumers.map((): number[] => []);
    for (const d of rec.done)
      if (d.sampled > 0)
        service[st.topo.instances[d.instance].consumer].push((d.end - d.start) / d.slow);
    const hop = hopSamples(rec, st.topo.instances.length);
    const { report, endToEnd } = realReport(
      s,
      o.seed,
      st.topo,
      rec,
      endMs,
      { kind: 'rabbitmq', version, url: o.url },
      performance.now() - wallStart,
      brokerQueueIndex,
      warnings,
    );
    return { report, service, hop, endToEndCdfMs: latencyQuantilesMs(endToEnd) };
  } finally {
    finished = true;
    for (const t of timers) clearTimeout(t);
    for (const c of children) c?.kill('SIGKILL');
    await undeclare(conn, topo).catch(() => {});
    await conn.close().catch(() => {});
  }
}
