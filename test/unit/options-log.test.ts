// Log channel options (partitions, retention) and log consumer options (group, startAt, commit,
// sessionTimeout), plus the resetOffsets fault: tiny scenarios observed through the event stream.

import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS,
  Simulation,
  eventName,
  validateScenario,
  queueReport,
} from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

/** An observed event: time in ms, message id, where (instance or group name), partition. */
interface Seen {
  kind: string;
  t: number;
  id: string;
  seq: number;
  key: number;
  at: string;
  aux: number;
  /** The record's partition (log records only, else -1). */
  part: number;
}

const AT_INSTANCE = new Set(['delivered', 'received', 'started', 'processed', 'reprocessed']);

function run(raw: object): { r: Report; ev: Seen[] } {
  const v = validateScenario({ name: 'log options', duration: 1000, ...raw });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const ev: Seen[] = [];
  const sim: Simulation = new Simulation(v.scenario, {
    observers: [
      {
        kinds: ALL_EVENTS,
        onEvent(e) {
          if (e.sender < 0) return;
          const n = sim.names;
          const name = eventName(e.kind);
          let at = '';
          if (e.where >= 0 && AT_INSTANCE.has(name)) at = n.instances[e.where];
          else if (e.where >= 0 && name !== 'published') at = n.queues[e.where];
          const id = `${n.senders[e.sender]}:${e.seq}`;
          const { seq, key, aux, partition: part } = e;
          ev.push({ kind: name, t: e.timeUs / 1000, id, seq, key, at, aux, part });
        },
      },
    ],
  });
  return { r: sim.run(), ev };
}

const constant = (value: number) => ({ kind: 'constant', value });
const zeros = (n: number) => ({ id: 'p', to: 'L', rate: { kind: 'trace', at: Array(n).fill(0) } });
const of = (ev: Seen[], kind: string) => ev.filter((e) => e.kind === kind);

describe('log option partitions', () => {
  const keyed = {
    id: 'p',
    to: 'L',
    rate: { kind: 'poisson', perSecond: 400 },
    keys: { kind: 'uniform', count: 20 },
  };

  it('sends one key always to the same partition and processes each key in order', () => {
    const { r, ev } = run({
      producers: [keyed],
      channels: [{ id: 'L', kind: 'log', partitions: 4 }],
      consumers: [{ id: 'g', from: 'L', instances: 2, service: { kind: 'exponential', mean: 2 } }],
    });
    const partsOfKey = new Map<number, Set<number>>();
    for (const e of of(ev, 'enqueued')) {
      partsOfKey.set(e.key, (partsOfKey.get(e.key) ?? new Set()).add(e.part));
    }
    expect(partsOfKey.size).toBe(20);
    for (const parts of partsOfKey.values()) expect(parts.size).toBe(1);
    expect(new Set(of(ev, 'enqueued').map((e) => e.part)).size).toBe(4);
    const lastSeq = new Map<number, number>();
    for (const e of of(ev, 'processed')) {
      expect(e.seq).toBeGreaterThan(lastSeq.get(e.key) ?? 0);
      lastSeq.set(e.key, e.seq);
    }
    expect(r.totals.orderViolations).toBe(0);
    expect(r.totals.processed).toBeGreaterThan(300);
  });

  it('spreads keyless records round-robin over the partitions', () => {
    const { ev } = run({
      producers: [zeros(12)],
      channels: [{ id: 'L', kind: 'log', partitions: 3 }],
      consumers: [{ id: 'g', from: 'L', service: constant(1) }],
    });
    expect(of(ev, 'enqueued').map((e) => e.part)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });
});

describe('log option retention and consumer option group', () => {
  // Ten records at 0, retention 100 ms: `fast` reads them all in 10 ms; `slow` (40 ms each) has
  // finished two and is processing the third when they are deleted.
  const raw = {
    producers: [zeros(10)],
    channels: [{ id: 'L', kind: 'log', retention: 100 }],
    consumers: [
      { id: 'slow', from: 'L', service: constant(40) },
      { id: 'fast', from: 'L', service: constant(1) },
    ],
  };

  it('deletes records a slow group had not read: they are lost for that group only', () => {
    const { r, ev } = run(raw);
    const lost = of(ev, 'lost');
    expect(lost.every((e) => e.t === 100 && e.at === 'L/slow')).toBe(true);
    expect(lost.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(queueReport(r, 'L/slow').lost).toBe(7);
    expect(r.channels['L/fast']).toMatchObject({ enqueued: 10, processed: 10, lost: 0 });
  });

  // Regression (fixed in abf314c): the record in progress at deletion used to count as a
  // duplicate, and the conservation check failed.
  it('counts the record a slow member was processing at deletion as processed', () => {
    const { r } = run(raw);
    expect(queueReport(r, 'L/slow').processed).toBe(3);
    expect(r.totals).toMatchObject({ processed: 13, duplicatesProcessed: 0, lost: 7 });
    expect(r.checks.conservation).toBe(true);
  });

  it('lets consumers of the same group share partitions, and different groups each read all', () => {
    const log = [{ id: 'L', kind: 'log', partitions: 2 }];
    const pair = (groupA: string, groupB: string) =>
      run({
        producers: [zeros(20)],
        channels: log,
        consumers: [
          { id: 'a', from: 'L', group: groupA, service: constant(1) },
          { id: 'b', from: 'L', group: groupB, service: constant(1) },
        ],
      });
    const shared = pair('g', 'g');
    const partsOf = (who: string) =>
      new Set(
        of(shared.ev, 'processed')
          .filter((e) => e.at === who)
          .map((e) => e.part),
      );
    expect([...partsOf('a#1')]).toEqual([0]);
    expect([...partsOf('b#1')]).toEqual([1]);
    expect(shared.r.consumers.a.processed + shared.r.consumers.b.processed).toBe(20);
    expect(shared.r.totals).toMatchObject({ enqueued: 20, processed: 20, duplicatesProcessed: 0 });
    const separate = pair('ga', 'gb');
    expect(separate.r.consumers.a.processed).toBe(20);
    expect(separate.r.consumers.b.processed).toBe(20);
    expect(separate.r.totals.enqueued).toBe(40);
  });
});

describe('log consumer option startAt', () => {
  // Observed: every group joins at time 0 when the log is still empty, so latest and earliest
  // read the same records (docs/semantics.md says so too).
  it('makes no difference for a group that exists from the start of the run', () => {
    const at = (startAt: string) =>
      run({
        producers: [{ id: 'p', to: 'L', rate: { kind: 'trace', at: [0, 5, 10] } }],
        channels: [{ id: 'L', kind: 'log' }],
        consumers: [{ id: 'g', from: 'L', service: constant(1), startAt }],
      }).r;
    const [earliest, latest] = [at('earliest'), at('latest')];
    expect(earliest.totals.processed).toBe(3);
    expect(latest.totals).toEqual(earliest.totals);
    expect(latest.traceHash).toBe(earliest.traceHash);
  });
});

describe('log consumer options commit and sessionTimeout', () => {
  // 100 records/s alternate between 2 partitions (p0: odd sequences, owned by g#1; p1: g#2).
  // g#1 crashes for good at 1505 ms.
  const crashOne = (commit: unknown, sessionTimeout: number) =>
    run({
      duration: 3000,
      producers: [{ id: 'p', to: 'L', rate: { kind: 'constant', perSecond: 100 } }],
      channels: [{ id: 'L', kind: 'log', partitions: 2 }],
      consumers: [
        { id: 'g', from: 'L', instances: 2, service: constant(2), commit, sessionTimeout },
      ],
      faults: [{ at: 1505, crash: 'g#1' }],
    });
  /** Deliveries of the crashed member's partition after the crash. */
  const movedP0 = (ev: Seen[]) => of(ev, 'delivered').filter((e) => e.t > 1505 && e.part === 0);

  it('afterProcessing commits each record, so a crash causes no duplicates', () => {
    const { r, ev } = crashOne('afterProcessing', 300);
    expect(r.totals).toMatchObject({ duplicatesProcessed: 0, redelivered: 0, lost: 0 });
    expect(movedP0(ev)[0]).toMatchObject({ id: 'p:153', at: 'g#2', aux: 1 });
  });

  it('interval commits replay everything processed since the last commit', () => {
    const { r, ev } = crashOne({ mode: 'interval', every: 1000 }, 300);
    // Committed at 1000 ms up to p:99; p:101 ... p:151 (26 records) are processed again.
    expect(movedP0(ev)[0]).toMatchObject({ id: 'p:101', at: 'g#2', aux: 2 });
    expect(r.totals.duplicatesProcessed).toBe(26);
    expect(r.totals.redelivered).toBe(26);
    expect(r.checks.conservation).toBe(true);
  });

  it('moves a crashed member’s partitions only after the session timeout', () => {
    for (const timeout of [300, 600]) {
      const { ev } = crashOne('afterProcessing', timeout);
      expect(movedP0(ev)[0].t).toBe(1505 + timeout);
      // Partition 1 was never interrupted.
      const p1 = of(ev, 'delivered').filter((e) => e.part === 1 && e.t > 1505);
      expect(p1[0].t).toBe(1510);
    }
  });
});

describe('resetOffsets fault', () => {
  const reset = (to: string, at: number, service: number) =>
    run({
      producers: [zeros(10)],
      channels: [{ id: 'L', kind: 'log' }],
      consumers: [{ id: 'g', from: 'L', service: constant(service) }],
      faults: [{ at, resetOffsets: 'g', to }],
    });

  it('to earliest replays every retained record: duplicatesProcessed', () => {
    const { r, ev } = reset('earliest', 500, 1);
    expect(of(ev, 'reprocessed').every((e) => e.t > 500)).toBe(true);
    expect(r.totals).toMatchObject({ processed: 10, duplicatesProcessed: 10, redelivered: 10 });
  });

  it('to latest skips the records not yet processed: lost', () => {
    // 10 ms per record: three are done at 35 ms, p:4 is in progress, p:5 ... p:10 are skipped.
    const { r } = reset('latest', 35, 10);
    expect(r.totals.lost).toBeGreaterThanOrEqual(6);
    expect(r.totals.processed + r.totals.lost).toBe(10);
  });

  // Regression (fixed in abf314c): p:4, in progress at the reset, used to count as lost and then
  // as a duplicate (lost 7, processed 3, duplicatesProcessed 1).
  it('to latest does not count the record in progress as lost or duplicate', () => {
    const { r } = reset('latest', 35, 10);
    expect(r.totals).toMatchObject({ processed: 4, lost: 6, duplicatesProcessed: 0 });
  });
});
