// The per-node tables: the report's numbers formatted, a column only when some row needs it
// (then for every row, so values compare), exchanges as a sentence, priorities highest first.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../src/worker/lab-session';
import { channelTable, consumerTable, priorityTable } from '../../src/charts/node-tables';
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

describe('per-node tables', () => {
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
