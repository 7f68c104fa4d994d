// `brokerlab real` on any live broker: declares the scenario's topology under a fresh prefix,
// starts one OS process per consumer instance, publishes the plan at its absolute instants with
// publisher confirms, applies consumer faults (crash = SIGKILL, freeze = SIGSTOP, slow), stops at
// the scenario's end, drains to tell late messages from lost ones, and deletes what it declared.
// What differs between brokers is behind LiveBroker (amqp-broker.ts, nats-broker.ts).

import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { compileFaults } from '../../sim-core/index';
import type { Producer, Scenario } from '../../sim-core/index';
import { RunError } from '../cli/errors';
import { builtEntry } from '../harness/built';
import { brokerName } from './amqp-topology';
import { PublishPlan } from './plan';
import type { PlannedMessage } from './plan';
import { realReport } from './real-report';
import { hopSamples } from './hop-samples';
import { cpuTimes, spareCpu } from './machine-cpu';
import type { CpuTimes } from './machine-cpu';
import { latencyQuantilesMs } from '../harness/latency-cdf';
import type { HopSamples } from './hop-samples';
import type { Backend, PublishRecord, RealRecords, RealReport } from './real-report';
import type {
  ChildMessage,
  ConsumerConfig,
  ConsumerSource,
  ParentMessage,
} from './consumer-protocol';

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

/** A live run's report, and the raw measurements `calibrate` feeds back into the simulator. */
export interface RealRun {
  report: RealReport;
  /** Per consumer (scenario order): each processing's duration, ms, with slow faults divided out. */
  service: number[][];
  /** One network hop, ms, and what it was measured from. */
  hop: HopSamples;
  /** End-to-end latency quantiles on the compare CDF grid (null: nothing finished). */
  endToEndCdfMs: number[] | null;
  /** The client machine was overloaded (its CPU under 20% idle, the consumers' service timers
   * overshooting by more than 20%, or the publisher missing its instants): every number includes
   * its queueing, not the broker's. */
  overloaded: boolean;
}

/** One live broker, connected, with the run's topology to declare under `prefix`. */
export interface LiveBroker {
  backend: Backend;
  declare(): Promise<void>;
  /** Where an instance reading internal queue `q` (State.topo.queues index) consumes. */
  source(q: number): ConsumerSource;
  /**
   * Publishes one planned message; `settled` is called once on the broker's confirm (true) or
   * refusal (false). Resolves when the client may publish again (flow control).
   */
  publish(m: PlannedMessage, def: Producer, settled: (ok: boolean) => void): Promise<void>;
  /** Per internal queue: messages on the broker not yet delivered. */
  ready(): Promise<number[]>;
  /** Copies the broker stopped delivering after its delivery limit (JetStream's MaxDeliver),
   * `t` as performance.timeOrigin + performance.now() when the broker said so. */
  givenUp(): RealRecords['givenUp'];
  /** Deletes what `declare` made and disconnects. */
  close(): Promise<void>;
}

export type BrokerFactory = (
  s: Scenario,
  prefix: string,
  st: PublishPlan['st'],
) => Promise<LiveBroker>;

export async function runLive(s: Scenario, o: RealOptions, open: BrokerFactory): Promise<RealRun> {
  const wallStart = performance.now();
  const epochMs = performance.timeOrigin + performance.now();
  const now = () => performance.timeOrigin + performance.now() - epochMs;
  const prefix = `brokerlab-${randomBytes(4).toString('hex')}`;
  const durationMs = s.duration ?? DRAINED_CAP_MS;
  const plan = new PublishPlan(s, o.seed, durationMs);
  const st = plan.st;
  const broker = await open(s, prefix, st);
  const brokerQueueIndex = new Map(st.topo.queues.map((q, i) => [brokerName(prefix, q.name), i]));
  const rec: RealRecords = {
    publishes: [],
    receipts: [],
    done: [],
    crashes: [],
    readyAfterDrain: [],
    givenUp: [],
  };
  const warnings: string[] = [];
  const children: Array<ChildProcess | null> = st.topo.instances.map(() => null);
  /** Every consumer process forked, in use or spare: all are killed at the end. */
  const spares: ChildProcess[] = [];
  const outstanding = st.topo.instances.map(() => new Map<string, number>());
  const timers: NodeJS.Timeout[] = [];
  let finished = false;

  try {
    await broker.declare();

    // A process forked ahead of time: it loads its modules (a few hundred ms of Node start-up)
    // before it is needed, so a restart costs what a real client's reconnect costs, no more.
    const fresh = (): ChildProcess => {
      const child = fork(builtEntry('real-consumer.mjs'), [], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      spares.push(child);
      return child;
    };
    const start = (i: number, child = fresh()): Promise<void> => {
      const info = st.topo.instances[i];
      const def = s.consumers[info.consumer];
      const config: ConsumerConfig = {
        url: o.url,
        source: broker.source(info.queue),
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
      children[i] = child;
      const held = outstanding[i];
      held.clear();
      return new Promise((resolve, reject) => {
        child.on('message', (m: ChildMessage) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'error')
            reject(new RunError(`consumer ${info.name} could not start: ${m.message}`));
          else if (m.type === 'received') {
            const { type: _, ...receipt } = m;
            rec.receipts.push({ instance: i, ...receipt });
            held.set(m.id, (held.get(m.id) ?? 0) + 1);
          } else {
            const { type: _, ...processing } = m;
            rec.done.push({ instance: i, ...processing });
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
    const cpuAtStart = cpuTimes();
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
              if (f.restartUs >= 0) {
                const spare = fresh();
                timers.push(
                  setTimeout(() => void start(i, spare).catch(() => {}), f.restartUs / 1000),
                );
              }
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
    for (let m = plan.next(); m !== null; m = plan.next()) {
      const due = runStart + m.atUs / 1000;
      const ahead = due - now();
      if (ahead >= 1) await sleep(Math.floor(ahead));
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
      await broker.publish(m, s.producers[m.producer], (ok) => {
        if (ok) r.confirmed = now() - runStart;
        else r.refused = true;
      });
    }

    const drained = async (): Promise<boolean> => {
      rec.readyAfterDrain = await broker.ready();
      const ready = rec.readyAfterDrain.reduce((a, b) => a + b, 0);
      const busy = outstanding.reduce((n, m) => n + m.size, 0);
      const unconfirmed = rec.publishes.some((p) => p.confirmed === null && !p.refused);
      return ready === 0 && busy === 0 && !unconfirmed;
    };
    let endMs: number;
    let cpuAtEnd: CpuTimes;
    if (s.until === 'drained') {
      const cap = runStart + durationMs;
      while (!(await drained()) && now() < cap) await sleep(100);
      endMs = now() - runStart;
      cpuAtEnd = cpuTimes();
    } else {
      await sleep(runStart + durationMs - now());
      endMs = durationMs;
      // Over the measured window: the drain's idle wait after it would hide a busy machine.
      cpuAtEnd = cpuTimes();
      const cap = now() + o.drainMs;
      while (now() < cap) {
        if (await drained()) break;
        await sleep(100);
      }
      await drained();
    }
    finished = true;
    // Records are relative to the run's start from here on.
    for (const r of rec.receipts) r.t -= runStart;
    for (const d of rec.done) {
      d.start -= runStart;
      d.end -= runStart;
    }
    for (const c of rec.crashes) c.t -= runStart;
    // The broker stamps these on the performance clock; records count from the run's start.
    rec.givenUp = broker.givenUp().map((g) => ({ ...g, t: g.t - epochMs - runStart }));
    const service = s.consumers.map((): number[] => []);
    for (const d of rec.done)
      if (d.sampled > 0)
        service[st.topo.instances[d.instance].consumer].push((d.end - d.start) / d.slow);
    const { report, endToEnd, overloaded } = realReport(
      s,
      o.seed,
      st.topo,
      rec,
      endMs,
      broker.backend,
      performance.now() - wallStart,
      brokerQueueIndex,
      warnings,
      spareCpu(cpuAtStart, cpuAtEnd),
    );
    return {
      report,
      service,
      hop: hopSamples(rec, st.topo.instances.length),
      endToEndCdfMs: latencyQuantilesMs(endToEnd),
      overloaded,
    };
  } finally {
    finished = true;
    for (const t of timers) clearTimeout(t);
    for (const c of spares) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker.close().catch(() => {});
  }
}
