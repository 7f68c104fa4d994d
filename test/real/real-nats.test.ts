// `brokerlab real` against a live NATS JetStream (started by test/setup/brokers.ts on 127.0.0.1):
// a queue is a work-queue stream with one durable pull consumer that the instances share.
import { describe, expect, inject, it } from 'vitest';
import { queueReport } from '../../sim-core/index';
import {
  CRASH,
  cli,
  competingScenario,
  expectCrashRedelivered,
  expectEveryMessageOnce,
  real as realOn,
  scenarioFile as fileIn,
  simulated,
  tempDir,
} from './live-cli';

const NATS = inject('natsUrl');
const dir = tempDir();
const scenarioFile = (yaml: string) => fileIn(dir, yaml);
const real = (file: string, ...more: string[]) => realOn(NATS, file, ...more);

const competing = (extra = '') =>
  competingScenario({
    name: 'live competing consumers on JetStream',
    seed: 11,
    queue: ', ackTimeout: 1s',
    extra,
  });

describe('brokerlab real on NATS JetStream', () => {
  it('plays competing consumers on a work-queue stream: run’s fields, every message processed once', async () => {
    const file = scenarioFile(competing());
    const [live, sim] = await Promise.all([real(file), simulated(file)]);
    expectEveryMessageOnce(live, sim, 'nats', NATS);
  });

  it('AckWait: a delivery never acked comes back every ackTimeout, until MaxDeliver', async () => {
    // 12 messages, one consumer that processes each and never acks: JetStream redelivers after
    // AckWait (1 s) until each was delivered maxDeliveries (3) times, then stops (by 2.3 s; a
    // fourth delivery would come at 3.3 s, inside the run). The simulator counts the same.
    const file = scenarioFile(`
name: AckWait and MaxDeliver
seed: 2
duration: 5s
producers:
  - { id: web, to: orders, count: 12, rate: { kind: constant, perSecond: 40 } }
channels:
  - { id: orders, kind: queue, ackTimeout: 1s, maxDeliveries: 3 }
consumers:
  - { id: forgetful, from: orders, prefetch: 20, neverAck: true, service: { kind: constant, value: 2 } }
`);
    const [live, sim] = await Promise.all([real(file, '--drain', '1s'), simulated(file)]);
    expect(sim.totals.delivered).toBe(36);
    expect(live.totals.delivered).toBe(sim.totals.delivered);
    expect(live.totals.redelivered).toBe(sim.totals.redelivered);
    expect(live.totals.duplicatesProcessed).toBe(sim.totals.duplicatesProcessed);
    expect(live.totals.lost).toBe(0);
    // Each redelivery came an AckWait after the one before: the last ones after two of them.
    expect(live.latency.endToEnd.max).toBeGreaterThan(2000);
    expect(live.latency.endToEnd.max).toBeLessThan(2600);
  });

  it('poison past MaxDeliver: JetStream stops delivering it (its advisory says so), counted as given up', async () => {
    const file = scenarioFile(`
name: poison past MaxDeliver
seed: 4
duration: 4s
producers:
  - { id: web, to: orders, count: 40, rate: { kind: constant, perSecond: 40 } }
channels:
  - { id: orders, kind: queue, ackTimeout: 5s, maxDeliveries: 3 }
consumers:
  - { id: picky, from: orders, prefetch: 5, poison: 0.25, service: { kind: constant, value: 2 } }
`);
    const [live, sim] = await Promise.all([real(file, '--drain', '1s'), simulated(file)]);
    // Poison is decided per message id, as in the engine: the same messages fail on both.
    expect(sim.totals.deadLettered).toBeGreaterThan(0);
    expect(live.totals.deadLettered).toBe(sim.totals.deadLettered);
    expect(live.totals.processed).toBe(sim.totals.processed);
    expect(live.totals.redelivered).toBe(sim.totals.redelivered);
    expect(queueReport(live as never, 'orders').deadLettered).toBe(sim.totals.deadLettered);
    expect(live.totals.lost).toBe(0);
    expect(live.checks.conservation).toBe(true);
  });

  it('a SIGKILLed consumer: JetStream redelivers what it held once AckWait passes, nothing is lost', async () => {
    const file = scenarioFile(
      // ρ ≈ 0.95: a queue builds, so the killed instance holds a full prefetch (5).
      competing(CRASH).replace('mean: 8', 'mean: 15').replace('perSecond: 150', 'perSecond: 190'),
    );
    expectCrashRedelivered(await real(file), 2);
  });

  it('refuses what JetStream cannot play, by field, before publishing anything', async () => {
    const file = scenarioFile(`
name: not for JetStream
duration: 2s
producers: [{ id: p, to: orders, rate: { kind: poisson, perSecond: 10 } }]
channels:
  - { id: orders, kind: queue, maxDeliveries: 3, deadLetter: dlq }
  - { id: dlq, kind: queue }
consumers:
  - { id: c, from: orders, service: { kind: constant, value: 1 } }
faults:
  - { at: 1s, crash: 'c#1', restart: 1s }
`);
    const r = await cli(['real', file, '--broker', NATS, '--nagle']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^channels\[0\]\.deadLetter: NATS JetStream: has no dead-letter queue/m,
    );
    expect(r.stderr).toMatch(/^faults\[0\]\.crash: NATS JetStream: redelivers a dead consumer's/m);
    expect(r.stderr).toMatch(/^--nagle: the nats client always sets TCP_NODELAY/m);
    expect(r.stdout).toBe('');
  });

  it('without a server at the URL: one line naming it, exit 1', async () => {
    const r = await cli(['real', scenarioFile(competing()), '--broker', 'nats://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: cannot reach the broker at nats:\/\/127\.0\.0\.1:1: /);
  });
});
