// The per-node tables: the report's numbers formatted, a column only when some row needs it
// (then for every row, so values compare), exchanges as a sentence, priorities highest first.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/worker/lab-session';
import {
  brokerNodeTable,
  channelTable,
  consumerTable,
  priorityTable,
  producerTable,
  showsProducers,
} from '../../src/charts/node-tables';
import type { Frame, TopologyModel } from '../../src/shared/protocol';

function finished(slug: string): { model: TopologyModel; last: Frame } {
  const s = new LabSession();
  const file = `examples/${slug}.yaml`;
  const r = s.load(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { model: r.model, last: s.finish() };
}

const column = (t: ReturnType<typeof consumerTable>, key: string, row: string) =>
  t.rows.find((r) => r.name === row)!.cells[t.columns.findIndex((c) => c.key === key)];

const num = (cell: string) => Number(cell.replace(/,/g, '').replace(/ (ms|s)$/, ''));

describe('per-node tables', () => {
  it('shows per producer what confirms and in-flight limits cost: confirm latency, order kept', () => {
    const { model, last } = finished('in-flight-reordering');
    expect(showsProducers(model, last.stats)).toBe(true);
    const t = producerTable(model, last.stats, last.latency);
    // No batches, no memory alarm: those columns are left out.
    expect(t.columns.map((c) => c.key)).toEqual(['published', 'confirmed', 'publish-p99']);
    const p99 = (id: string) => num(column(t, 'publish-p99', id));
    // One in flight: each publish waits for the previous confirm, the slowest to confirm.
    expect(p99('one-by-one')).toBeGreaterThan(2 * p99('pipelined'));
    const consumers = consumerTable(model, last.stats, last.latency, 'counts');
    expect(num(column(consumers, 'orderViolations', 'ledger-pipelined'))).toBeGreaterThan(10);
    expect(column(consumers, 'orderViolations', 'ledger-one-by-one')).toBe('0');
    expect(column(consumers, 'orderViolations', 'ledger-idempotent')).toBe('0');
  });

  it('shows the blocked producer of a memory alarm, and the node that raised it', () => {
    const { model, last } = finished('flow-control-vs-overflow');
    const t = producerTable(model, last.stats, last.latency);
    expect(t.columns.map((c) => c.key)).toContain('blockedMs');
    expect(column(t, 'blockedMs', 'shop')).toBe('0 ms');
    expect(last.report!.producers.store.blockedMs).toBeGreaterThan(10_000);
    expect(column(t, 'blockedMs', 'store')).toMatch(/ s$/);
    const nodes = brokerNodeTable(model, last.stats);
    expect(nodes.rows.map((r) => r.name)).toEqual(['broker#1', 'broker#2']);
    // Nodes without a capacity are never busy: no utilisation column.
    expect(nodes.columns.map((c) => c.key)).toEqual(['blockedMs', 'leaderOf']);
    expect(column(nodes, 'blockedMs', 'broker#2')).toMatch(/ s$/);
    expect(column(nodes, 'leaderOf', 'broker#1')).toBe('orders-capped');
    expect(column(nodes, 'leaderOf', 'broker#2')).toBe('orders-paced');
  });

  it('shows each node’s utilisation where it has a capacity', () => {
    const { model, last } = finished('broker-bottleneck');
    const t = brokerNodeTable(model, last.stats);
    const u = last.report!.broker.nodes[0].utilization;
    expect(u).toBeGreaterThan(0.5);
    expect(column(t, 'utilization', last.report!.broker.nodes[0].id)).toBe(
      `${(u * 100).toFixed(1)}%`,
    );
  });

  it('shows what each node leads, and its crashes', () => {
    const { model, last } = finished('quorum-vs-classic');
    const t = brokerNodeTable(model, last.stats);
    const r = last.report!.broker.nodes;
    expect(t.rows.map((x) => x.name)).toEqual(r.map((n) => n.id));
    r.forEach((n) => {
      expect(column(t, 'leaderOf', n.id)).toBe(n.leaderOf.join(', ') || '—');
      if (n.crashes > 0) expect(column(t, 'crashes', n.id)).toBe(String(n.crashes));
    });
    expect(r.some((n) => n.crashes > 0)).toBe(true);
  });

  it('shows order violations for every consumer once one has some, and leaves out the rest', () => {
    const { model, last } = finished('ordering-kept-fifo-and-partitions');
    const t = consumerTable(model, last.stats, last.latency, 'counts');
    expect(t.columns.map((c) => c.key)).toEqual([
      'processed',
      'orderViolations',
      'utilization',
      'p99',
    ]);
    const r = last.report!.consumers;
    expect(column(t, 'orderViolations', 'plain')).toBe(
      r.plain.orderViolations.toLocaleString('en-US'),
    );
    expect(column(t, 'orderViolations', 'fifo')).toBe('0');
    expect(column(t, 'orderViolations', 'partitioned')).toBe('0');
  });

  it('shows duplicates where a lesson counts them, per group', () => {
    const { model, last } = finished('kafka-rebalance-replay');
    const t = consumerTable(model, last.stats, last.latency, 'counts');
    expect(t.columns.map((c) => c.key)).toContain('duplicates');
    expect(Number(column(t, 'duplicates', 'billing').replace(/,/g, ''))).toBeGreaterThan(100);
    expect(column(t, 'duplicates', 'audit')).toBe('0');
    const channels = channelTable(model, last.stats);
    expect(channels.rows.map((r) => r.name)).toEqual(['ledger/billing', 'ledger/audit']);
  });

  it('gives latency views a whole summary, and an exchange a sentence', () => {
    const { model, last } = finished('exchange-routing');
    const t = consumerTable(model, last.stats, last.latency, 'latency');
    expect(t.columns.map((c) => c.key)).toEqual(['mean', 'p50', 'p90', 'p99', 'max']);
    const shop = channelTable(model, last.stats).rows.find((r) => r.name === 'shop')!;
    const x = last.report!.channels.shop as { routed: number; unroutable: number };
    expect(shop.note).toBe(
      `${x.routed.toLocaleString('en-US')} routed · ${x.unroutable.toLocaleString('en-US')} unroutable`,
    );
  });

  it('lists priorities highest first', () => {
    const { last } = finished('priority-overload');
    expect(priorityTable(last.latency).rows.map((r) => r.name)).toEqual([
      'priority 9',
      'priority 0',
    ]);
    expect(priorityTable(null).rows).toEqual([]);
  });
});
