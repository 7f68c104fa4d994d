// Failures of one broker node (contract v2 §2): a classic queue waits for its node, a quorum
// queue elects a new leader after electionTimeout if a majority remains, a replicated log
// partition elects an in-sync replica and loses what it had not received (acks=1's lost
// confirmed writes), and minInsyncReplicas refuses acks=all writes it cannot make safe.

import { describe, expect, it } from 'vitest';
import { Simulation, queueReport, validateScenario } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

function run(raw: object): Report {
  const v = validateScenario({ name: 'failover', duration: 10_000, ...raw });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { checkInvariants: true }).run();
}

const constant = (value: number) => ({ kind: 'constant', value });
const producer = (to: string, extra: object = {}) => ({
  id: `p-${to}`,
  to,
  rate: { kind: 'constant', perSecond: 100 },
  confirm: { timeout: 200, retries: 20, backoff: 50 },
  ...extra,
});
const consumer = (from: string) => ({ id: `w-${from}`, from, service: constant(1), prefetch: 5 });

describe('a classic queue on a crashed node', () => {
  const scenario = (durable: boolean) => ({
    producers: [producer('a'), producer('b')],
    channels: [
      { id: 'a', kind: 'queue' },
      { id: 'b', kind: 'queue' },
    ],
    consumers: [consumer('a'), consumer('b')],
    broker: { nodes: 2, durable },
    faults: [{ at: 3000, crash: 'broker#1', restart: 2000 }],
  });

  it('is unavailable until its node restarts; the other node carries on', () => {
    const r = run(scenario(true));
    expect(r.broker.nodes.map((n) => n.crashes)).toEqual([1, 0]);
    expect(r.totals.unavailableMs).toBe(2000);
    // Queue b on broker#2 never stopped; a's publishes were refused and retried.
    expect(queueReport(r, 'b').processed).toBeGreaterThan(990);
    expect(r.totals.rejected).toBeGreaterThan(0);
    expect(r.producers['p-a'].publishLatency.max).toBeGreaterThan(1900);
    expect(r.producers['p-b'].publishLatency.max).toBeLessThan(5);
    expect(r.totals.lost).toBe(0);
    expect(r.checks.conservation).toBe(true);
  });

  it('of a transient broker loses the messages it held', () => {
    const r = run({
      ...scenario(false),
      consumers: [{ ...consumer('a'), service: constant(20) }, consumer('b')],
    });
    // 100/s against 50/s: a backlog of ~150 on queue a when its node crashes at 3 s.
    expect(r.totals.lost).toBeGreaterThan(100);
    expect(r.totals.lostAcknowledged).toBe(r.totals.lost);
    expect(r.checks.conservation).toBe(true);
  });
});

describe('a quorum queue', () => {
  const quorum = (faults: object[], extra: object = {}) => ({
    producers: [producer('orders')],
    channels: [{ id: 'orders', kind: 'queue', type: 'quorum' }],
    consumers: [consumer('orders')],
    broker: { nodes: 3, durable: false, electionTimeout: 500, ...extra },
    network: { latency: constant(0.2) },
    faults,
  });

  it('elects a new leader after electionTimeout when its leader crashes, and loses nothing', () => {
    const r = run(quorum([{ at: 3000, crash: 'broker#1' }]));
    expect(r.totals.unavailableMs).toBe(500);
    expect(r.broker.nodes[1].leaderOf).toEqual(['orders']);
    expect(r.totals.lost).toBe(0);
    expect(r.totals.publishFailed).toBe(0);
    expect(r.checks.conservation).toBe(true);
  });

  it('stays unavailable without a majority of its replicas, until one comes back', () => {
    const r = run(
      quorum([
        { at: 3000, crash: 'broker#2', restart: 3000 },
        { at: 3000, crash: 'broker#3', restart: 3000 },
      ]),
    );
    // Its leader (broker#1) lost its quorum at 3 s; the followers restart at 6 s and the
    // leader is elected electionTimeout later.
    expect(r.totals.unavailableMs).toBe(3500);
    expect(r.totals.lost).toBe(0);
  });

  it('confirms later than a classic queue: after a majority has written the message', () => {
    const base = quorum([], { replicationLatency: constant(2) });
    const q = run(base);
    const c = run({ ...base, channels: [{ id: 'orders', kind: 'queue' }] });
    // A follower's write is 2 ms away and its acknowledgement 2 ms back: 4 ms more.
    expect(q.producers['p-orders'].publishLatency.p50).toBeCloseTo(
      c.producers['p-orders'].publishLatency.p50 + 4,
      0,
    );
    expect(q.latency.endToEnd.p50).toBeGreaterThan(c.latency.endToEnd.p50 + 3.5);
  });
});

describe('a replicated log through a leader crash', () => {
  const ledger = (acks: 1 | 'all', extra: object = {}) => ({
    producers: [
      producer('ledger', {
        acks,
        idempotent: true,
        keys: { kind: 'uniform', count: 12 },
        rate: { kind: 'poisson', perSecond: 2000 },
      }),
    ],
    channels: [
      { id: 'ledger', kind: 'log', partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 },
    ],
    consumers: [{ id: 'audit', from: 'ledger', service: constant(0.05) }],
    broker: {
      nodes: 3,
      electionTimeout: 300,
      replicationLatency: { kind: 'exponential', mean: 20 },
    },
    until: 'drained',
    duration: null,
    faults: [{ at: 3000, crash: 'broker#1', restart: 1000 }],
    ...extra,
  });
  const withCount = (raw: ReturnType<typeof ledger>) => ({
    ...raw,
    producers: raw.producers.map((p) => ({ ...p, count: 12_000 })),
  });

  it('acks=1 loses confirmed records the followers had not received', () => {
    const r = run(withCount(ledger(1)));
    // ~670 records a second on the crashed leader's partition, 20 ms from its followers.
    expect(r.totals.lostAcknowledged).toBeGreaterThan(3);
    expect(r.totals.lost).toBe(r.totals.lostAcknowledged); // none was retried: all confirmed
    // Every publish was confirmed once; the lost ones are exactly those never processed.
    expect(r.producers['p-ledger'].confirmed).toBe(12_000);
    expect(r.totals.processed).toBe(12_000 - r.totals.lostAcknowledged);
    expect(r.totals.unavailableMs).toBe(300); // ledger[0] led by broker#1, for the election
    expect(r.checks.conservation).toBe(true);
  });

  it('acks=all loses no confirmed record: the lost ones were never confirmed, and are retried', () => {
    const r = run(withCount(ledger('all')));
    expect(r.totals.lostAcknowledged).toBe(0);
    expect(r.producers['p-ledger'].confirmed).toBe(12_000);
    // Records lost at the failover were never confirmed: retried, every message was processed.
    expect(r.totals.lost).toBeGreaterThan(0);
    expect(r.totals.processed).toBe(12_000);
    expect(r.checks.conservation).toBe(true);
  });

  it('refuses acks=all writes while fewer than minInsyncReplicas are in sync', () => {
    const r = run(
      withCount(
        ledger('all', {
          faults: [
            { at: 3000, crash: 'broker#2', restart: 1000 },
            { at: 3000, crash: 'broker#3', restart: 1000 },
          ],
        }),
      ),
    );
    expect(r.totals.rejected).toBeGreaterThan(0);
    expect(r.totals.lostAcknowledged).toBe(0);
    expect(r.producers['p-ledger'].confirmed).toBe(12_000);
  });
});

describe('an unclean leader election', () => {
  // One partition on two nodes, minInsyncReplicas 1, 100 writes a second; the group reads 25 a
  // second, so it lags. broker#2 (the follower) crashes at 2 s and is back at 5 s, out of sync;
  // the leader, alone in sync, confirms every write until it crashes at 4 s, back at 8 s.
  const ledger = (unclean: boolean) => ({
    producers: [producer('ledger', { acks: 'all', idempotent: true })],
    channels: [
      {
        id: 'ledger',
        kind: 'log',
        replicationFactor: 2,
        minInsyncReplicas: 1,
        uncleanLeaderElection: unclean,
      },
    ],
    consumers: [{ id: 'audit', from: 'ledger', service: constant(40) }],
    broker: { nodes: 2, electionTimeout: 300 },
    faults: [
      { at: 2000, crash: 'broker#2', restart: 3000 },
      { at: 4000, crash: 'broker#1', restart: 4000 },
    ],
  });

  it('off: the partition waits for its in-sync replica and loses nothing', () => {
    const r = run(ledger(false));
    expect(r.totals.lostAcknowledged).toBe(0);
    expect(r.totals.lost).toBe(0);
    expect(r.totals.unavailableMs).toBe(4300); // 4 s without a leader, then the election
    expect(r.checks.conservation).toBe(true);
  });

  it('on: the out-of-sync replica leads once back, and the confirmed writes it lacks are lost', () => {
    const r = run(ledger(true));
    expect(r.totals.unavailableMs).toBe(1300); // from 4 s to broker#2's return and election
    // The leader confirmed the writes of 2–4 s alone; the group had read only the first ~100 of
    // the 400 by then, so all ~200 of them were still unread: lost, though confirmed.
    expect(r.totals.lostAcknowledged).toBeGreaterThanOrEqual(198);
    expect(r.totals.lostAcknowledged).toBeLessThanOrEqual(202);
    expect(r.totals.lost).toBe(r.totals.lostAcknowledged);
    expect(r.checks.conservation).toBe(true);
  });

  it('on: a group that had read past the new log end goes back to it, and reads on', () => {
    const fast = ledger(true);
    fast.consumers[0].service = constant(0.05);
    const r = run(fast);
    // The group had processed everything it saw: nothing of it is lost, and the records written
    // after the election (at offsets the lost ones had) are processed too.
    expect(r.totals.lost).toBe(0);
    expect(r.totals.duplicatesProcessed).toBe(0);
    expect(r.totals.processed).toBe(r.producers['p-ledger'].confirmed);
    expect(r.totals.processed).toBeGreaterThan(850);
    expect(r.checks.conservation).toBe(true);
  });
});

describe('a node cut off by a partition', () => {
  it('makes its queues unavailable while it lasts, and keeps what they hold', () => {
    const r = run({
      producers: [producer('a')],
      channels: [{ id: 'a', kind: 'queue' }],
      consumers: [consumer('a')],
      broker: { nodes: 2, durable: false },
      faults: [{ at: 3000, partition: ['broker#1'], for: 1500 }],
    });
    expect(r.totals.unavailableMs).toBe(1500);
    expect(r.totals.lost).toBe(0);
    expect(r.broker.nodes[0].crashes).toBe(0);
    expect(r.checks.conservation).toBe(true);
  });
});

describe('where a quorum queue requeues', () => {
  // 200 orders at 1,000/s, about 1 in 100 poison: it fails every time and is requeued. A classic queue puts it back at its original position, the head: with prefetch 1
  // the worker gets it again at once and the rest starve. A quorum queue puts it at the back.
  const poisoned = (type: string, extra: object = {}) =>
    run({
      duration: 2000,
      producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 1000 }, count: 200 }],
      channels: [{ id: 'q', kind: 'queue', type, ...extra }],
      consumers: [{ id: 'w', from: 'q', prefetch: 1, poison: 0.01, service: constant(1) }],
    });

  it('classic: at its original position, so a poison message at the head starves the rest', () => {
    const r = poisoned('classic');
    expect(r.totals.redelivered).toBeGreaterThan(1000);
    // Everything behind the first poison message is still waiting at the end, 2 s later.
    expect(r.totals.pendingAtEnd).toBeGreaterThan(20);
    expect(r.totals.processed).toBeLessThan(180);
  });

  it('quorum: at the back, so the rest get through', () => {
    const r = poisoned('quorum');
    expect(r.totals.processed).toBeGreaterThanOrEqual(195);
    expect(r.totals.pendingAtEnd).toBe(200 - r.totals.processed); // the poison ones only
  });

  it('quorum with a delivery limit: at the head, until the limit dead-letters it', () => {
    const r = poisoned('quorum', { maxDeliveries: 5 });
    expect(r.totals.deadLettered).toBeGreaterThan(0);
    expect(r.totals.redelivered).toBe(4 * r.totals.deadLettered);
    expect(r.totals.processed + r.totals.deadLettered).toBe(200);
  });
});
