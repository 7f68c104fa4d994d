// `brokerlab real` against a live RabbitMQ (started by test/setup/brokers.ts on 127.0.0.1): the
// built CLI plays small scenarios, and the report must show what the broker really did.
import { describe, expect, inject, it } from 'vitest';
import { queueReport } from '../../sim-core/index';
import type { ChannelReport, ExchangeReport } from '../../sim-core/index';
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

const AMQP = inject('amqpUrl');
const dir = tempDir();
const scenarioFile = (yaml: string) => fileIn(dir, yaml);
const real = (file: string, ...more: string[]) => realOn(AMQP, file, ...more);

const competing = (extra = '') =>
  competingScenario({ name: 'live competing consumers', seed: 7, extra });

describe('brokerlab real on RabbitMQ', () => {
  it('plays competing consumers: the same report fields as run, every message processed once', async () => {
    const file = scenarioFile(competing());
    const [live, sim] = await Promise.all([real(file), simulated(file)]);
    expectEveryMessageOnce(live, sim, 'rabbitmq', AMQP);
    const t = live.totals;
    const orders = queueReport(live as never, 'orders');
    expect(orders.enqueued).toBe(t.enqueued);
    expect(live.measured.service.mean).toBeGreaterThan(6);
    expect(live.measured.service.mean).toBeLessThan(12);
    expect(live.consumers.workers.utilization).toBeGreaterThan(0.2);
    expect(live.consumers.workers.utilization).toBeLessThan(0.7);
  });

  it('a SIGKILLed consumer: its unacked deliveries come back redelivered, and nothing is lost under manual ack', async () => {
    const file = scenarioFile(competing(CRASH).replace('mean: 8', 'mean: 15'));
    expectCrashRedelivered(await real(file), 1);
  });

  it('auto-ack and a crash: what the killed consumer held is lost, never redelivered', async () => {
    const file = scenarioFile(
      competing(CRASH.replace(', restart: 1s', ''))
        .replace('prefetch: 5', 'prefetch: 5\n    ack: auto')
        .replace('perSecond: 150', 'perSecond: 330'),
    );
    const live = await real(file);
    expect(live.totals.redelivered).toBe(0);
    expect(live.totals.lost).toBeGreaterThan(0);
    expect(live.checks.conservation).toBe(true);
  });

  it('a topic exchange routes by binding pattern exactly as the simulator does', async () => {
    const file = scenarioFile(`
name: live topic exchange
seed: 3
until: drained
duration: 10s
warmup: 500ms
producers:
  - id: web
    to: shop
    rate: { kind: poisson, perSecond: 200 }
    count: 600
    routingKey:
      kind: choice
      values: [order.eu.new, order.eu.paid, order.us.new, invoice.eu.sent, refund.eu]
      weights: [3, 2, 3, 1, 1]
channels:
  - id: shop
    kind: exchange
    type: topic
    bindings:
      - { to: eu-orders, key: 'order.eu.*' }
      - { to: us-orders, key: 'order.us.*' }
      - { to: audit, key: '*.*.new' }
  - { id: eu-orders, kind: queue }
  - { id: us-orders, kind: queue }
  - { id: audit, kind: queue }
consumers:
  - { id: eu, from: eu-orders, instances: 2, service: { kind: constant, value: 2 } }
  - { id: us, from: us-orders, service: { kind: constant, value: 2 } }
  - { id: auditor, from: audit, service: { kind: constant, value: 1 } }
`);
    const [live, sim] = await Promise.all([real(file), simulated(file)]);
    const simChannels = sim.channels;
    // 600 orders, run until drained on both sides (so no publish straddles the end, however
    // late a busy client sends it): what the broker put in each queue is exactly what the
    // simulator's router sent there, and all of it was processed.
    for (const q of ['eu-orders', 'us-orders', 'audit']) {
      const c = queueReport(live as never, q);
      const simEnqueued = (simChannels[q] as ChannelReport).enqueued;
      expect(c.enqueued, q).toBe(simEnqueued);
      expect(c.processed, q).toBe(c.enqueued);
    }
    expect(live.totals.unroutable).toBeGreaterThan(0);
    expect((live.channels.shop as ExchangeReport).unroutable).toBe(live.totals.unroutable);
    expect(live.totals.lost).toBe(0);
  });

  it('a queue TTL dead-letters expired messages to the dead-letter queue, with the reason', async () => {
    const file = scenarioFile(`
name: live ttl to dead letters
seed: 5
duration: 3s
warmup: 0s
producers:
  - { id: web, to: orders, rate: { kind: constant, perSecond: 50 } }
channels:
  - { id: orders, kind: queue, ttl: 200ms, deadLetter: expired }
  - { id: expired, kind: queue }
consumers:
  - { id: janitor, from: expired, service: { kind: constant, value: 1 } }
`);
    const live = await real(file);
    const orders = queueReport(live as never, 'orders');
    const expired = queueReport(live as never, 'expired');
    // Nobody consumes orders: every message that is 200 ms old by the end expired into the DLQ.
    expect(orders.expired).toBeGreaterThan(100);
    expect(orders.deadLettered).toBe(orders.expired);
    expect(expired.enqueued).toBe(orders.deadLettered);
    expect(expired.deadLetterReasons?.expired).toBe(orders.deadLettered);
    expect(live.totals.lost).toBe(0);
  });

  it('a quorum queue dead-letters past its delivery limit the very messages the simulator does', async () => {
    // About 1 in 10 orders is poison (the same ones on both sides: chosen by message id). With
    // maxDeliveries 3 (x-delivery-limit 2) each is delivered 3 times, then dead-lettered.
    const file = scenarioFile(`
name: live quorum delivery limit
seed: 3
duration: 2s
warmup: 0s
producers:
  - { id: web, to: orders, rate: { kind: constant, perSecond: 100 } }
channels:
  - { id: orders, kind: queue, type: quorum, maxDeliveries: 3, deadLetter: failed }
  - { id: failed, kind: queue }
consumers:
  - { id: workers, from: orders, prefetch: 1, poison: 0.1, service: { kind: constant, value: 1 } }
  - { id: janitor, from: failed, service: { kind: constant, value: 1 } }
broker: { durable: true }
`);
    const [live, sim] = await Promise.all([real(file), simulated(file)]);
    const orders = queueReport(live as never, 'orders');
    const simOrders = queueReport(sim, 'orders');
    expect(simOrders.deadLettered).toBeGreaterThan(5);
    expect(orders.deadLettered).toBe(simOrders.deadLettered);
    expect(queueReport(live as never, 'failed').deadLetterReasons?.maxDeliveries).toBe(
      orders.deadLettered,
    );
    expect(live.consumers.workers.processed).toBe(sim.consumers.workers.processed);
    expect(live.totals.lost).toBe(0);
  });

  it('refuses a quorum queue RabbitMQ would not declare, or would requeue elsewhere', async () => {
    const file = scenarioFile(`
name: a quorum queue it cannot play
duration: 2s
producers: [{ id: p, to: orders, rate: { kind: poisson, perSecond: 10 } }]
channels: [{ id: orders, kind: queue, type: quorum, requeue: front, maxPriority: 5 }]
consumers: [{ id: c, from: orders, service: { kind: constant, value: 1 } }]
broker: { durable: false }
`);
    const r = await cli(['real', file, '--broker', AMQP]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^channels\[0\]\.type: RabbitMQ: a quorum queue is always durable/m);
    expect(r.stderr).toMatch(
      /^channels\[0\]\.requeue: RabbitMQ: quorum queues requeue to the back without a delivery limit/m,
    );
    expect(r.stderr).toMatch(
      /^channels\[0\]\.maxPriority: RabbitMQ: quorum queues have no priorities/m,
    );
    expect(r.stdout).toBe('');
  });

  it('refuses what RabbitMQ cannot play, by field, before publishing anything', async () => {
    const file = scenarioFile(`
name: a log
duration: 2s
producers: [{ id: p, to: events, rate: { kind: poisson, perSecond: 10 } }]
channels: [{ id: events, kind: log, partitions: 3 }]
consumers: [{ id: c, from: events, service: { kind: constant, value: 1 } }]
network: { latency: { kind: constant, value: 1 }, loss: 0.1 }
`);
    const r = await cli(['real', file, '--broker', AMQP]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^channels\[0\]\.kind: RabbitMQ: a log/m);
    expect(r.stderr).toMatch(/^network\.loss: RabbitMQ: cannot drop packets/m);
    expect(r.stdout).toBe('');
  });

  it('refuses the simulated cluster (nodes, capacity, node faults, batching) by field', async () => {
    const file = scenarioFile(`
name: a simulated cluster
duration: 2s
producers: [{ id: p, to: orders, rate: { kind: poisson, perSecond: 10 }, batch: { linger: 5ms } }]
channels: [{ id: orders, kind: queue, type: quorum }]
consumers: [{ id: c, from: orders, service: { kind: constant, value: 1 } }]
broker: { nodes: 3, capacity: { perMessage: 20us }, memoryLimit: 1000 }
faults: [{ at: 1s, crash: broker#2, restart: 1s }]
`);
    const r = await cli(['real', file, '--broker', AMQP]);
    expect(r.code).toBe(2);
    for (const field of [
      'producers\\[0\\]\\.batch',
      'broker\\.nodes',
      'broker\\.capacity',
      'broker\\.memoryLimit',
      'faults\\[0\\]\\.crash',
    ])
      expect(r.stderr).toMatch(new RegExp(`^${field}: RabbitMQ: `, 'm'));
    expect(r.stdout).toBe('');
  });

  it('without a broker at the URL: one line naming it, exit 1', async () => {
    const r = await cli(['real', scenarioFile(competing()), '--broker', 'amqp://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: cannot reach the broker at amqp:\/\/127\.0\.0\.1:1: /);
  });
});
