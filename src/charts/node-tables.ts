// The per-node tables under the counters: what the report's `consumers`, `channels` and
// `latency.byPriority` say so far, as rows of formatted cells. A column a row could show but no
// row needs (no duplicates anywhere, say) is left out, so the tables stay narrow; a column that
// one row needs is shown for all, so "213 for plain, 0 for fifo" reads as a comparison.

import { MAX_LATENCY_CONSUMERS } from '../shared/protocol';
import type { LatencyColumns, LatencyStats, NodeStats, TopologyModel } from '../shared/protocol';
import { fmtCount, fmtMs, fmtPercent, fmtSig } from './format';

export interface Column {
  key: string;
  label: string;
  /** One sentence: what the column counts (a tooltip). */
  title: string;
}

export interface Row {
  name: string;
  cells: string[];
  /** A row whose cells do not follow the columns (an exchange's): one sentence instead. */
  note?: string;
}

export interface Table {
  columns: Column[];
  rows: Row[];
}

export type ConsumerView = 'counts' | 'latency' | 'origin';

interface NumberColumn extends Column {
  value: (i: number) => number;
  format: (x: number) => string;
  /** Shown only when some row is non-zero. */
  optional?: boolean;
}

/** Rows a table shows at most (the rest are in the exported report); as many as get latency. */
export const MAX_ROWS = MAX_LATENCY_CONSUMERS;

function build(all: string[], defs: NumberColumn[]): Table {
  const names = all.slice(0, MAX_ROWS);
  const columns = defs.filter(
    (d) => !d.optional || names.some((_, i) => d.value(i) !== 0 && !Number.isNaN(d.value(i))),
  );
  const rows: Row[] = names.map((name, i) => ({
    name,
    cells: columns.map((c) => c.format(c.value(i))),
  }));
  if (all.length > names.length)
    rows.push({ name: '…', cells: [], note: `${all.length - names.length} more in the report` });
  return { columns: columns.map(({ key, label, title }) => ({ key, label, title })), rows };
}

const LATENCY: Array<{ key: keyof LatencyColumns; title: string }> = [
  { key: 'mean', title: 'mean' },
  { key: 'p50', title: 'median' },
  { key: 'p90', title: '90th percentile' },
  { key: 'p99', title: '99th percentile' },
  { key: 'max', title: 'maximum' },
];

function latencyColumns(cols: LatencyColumns | null, what: string): NumberColumn[] {
  return LATENCY.map(({ key, title }) => ({
    key,
    label: key,
    title: `${title[0].toUpperCase()}${title.slice(1)} of ${what} (after warmup)`,
    value: (i: number) => cols?.[key][i] ?? NaN,
    format: fmtMs,
  }));
}

/** Whether some consumer emits onward: latency from the chain's origin then differs. */
export function hasChains(model: TopologyModel): boolean {
  return model.consumers.some((c) => c.emits.length > 0);
}

/** One row per consumer: its counters and p99 (counts), or a latency summary. */
export function consumerTable(
  model: TopologyModel,
  stats: NodeStats | null,
  latency: LatencyStats | null,
  view: ConsumerView,
): Table {
  const names = model.consumers.map((c) => c.id);
  if (view !== 'counts')
    return build(
      names,
      view === 'latency'
        ? latencyColumns(latency?.consumers ?? null, 'publish → processed, per completion')
        : latencyColumns(latency?.fromOrigin ?? null, 'chain origin → processed'),
    );
  const c = stats?.consumers;
  const count = (v: (i: number) => number) => (c ? v : () => 0);
  return build(names, [
    {
      key: 'processed',
      label: 'processed',
      title: 'Completions, duplicates included (consumers.<id>.processed)',
      value: count((i) => c!.processed[i]),
      format: fmtCount,
    },
    {
      key: 'duplicates',
      label: 'dup.',
      title: 'Duplicates processed: completions of a message this consumer had already processed',
      value: count((i) => c!.duplicatesProcessed[i]),
      format: fmtCount,
      optional: true,
    },
    {
      key: 'orderViolations',
      label: 'order viol.',
      title: 'Order violations: completions below one already completed for the same key',
      value: count((i) => c!.orderViolations[i]),
      format: fmtCount,
      optional: true,
    },
    {
      key: 'crashes',
      label: 'crashes',
      title: 'Crashes of its instances',
      value: count((i) => c!.crashes[i]),
      format: fmtCount,
      optional: true,
    },
    {
      key: 'utilization',
      label: 'util.',
      title: 'Utilisation: busy fraction of its servers (instances × concurrency) after warmup',
      value: (i) => c?.utilization[i] ?? NaN,
      format: fmtPercent,
    },
    {
      key: 'p99',
      label: 'p99',
      title: '99th percentile of its latency: publish → processed (after warmup)',
      value: (i) => latency?.consumers.p99[i] ?? NaN,
      format: fmtMs,
    },
  ]);
}

/** One row per queue, subscription and log group (its lag as depth), then the exchanges. */
export function channelTable(model: TopologyModel, stats: NodeStats | null): Table {
  const q = stats?.queues;
  const v = (pick: (s: NonNullable<typeof q>, i: number) => number) => (i: number) =>
    q ? pick(q, i) : 0;
  const fate = (
    key: 'deadLettered' | 'expired' | 'dropped' | 'lost',
    label: string,
    t: string,
  ) => ({
    key,
    label,
    title: t,
    value: v((s, i) => s[key][i]),
    format: fmtCount,
    optional: true,
  });
  const table = build(
    model.queues.map((x) => x.name),
    [
      {
        key: 'enqueued',
        label: 'enqueued',
        title: 'Copies accepted into it (channels.<name>.enqueued)',
        value: v((s, i) => s.enqueued[i]),
        format: fmtCount,
      },
      {
        key: 'processed',
        label: 'processed',
        title: 'Copies whose processing completed',
        value: v((s, i) => s.processed[i]),
        format: fmtCount,
      },
      {
        key: 'depthMax',
        label: 'depth max',
        title: 'Most messages it held at once, ready and unacked (a log group: its largest lag)',
        value: v((s, i) => s.depthMax[i]),
        format: fmtCount,
      },
      fate('deadLettered', 'dead-l.', 'Copies dead-lettered from it'),
      fate('expired', 'expired', 'Copies whose TTL ran out in it'),
      fate('dropped', 'dropped', 'Copies a length limit pushed out'),
      fate('lost', 'lost', 'Copies gone without being processed (a crash, retention)'),
    ],
  );
  model.channels.forEach((ch, i) => {
    if (ch.kind !== 'exchange') return;
    const routed = stats?.routed[i] ?? 0;
    const unroutable = stats?.unroutable[i] ?? 0;
    table.rows.push({
      name: ch.id,
      cells: [],
      note: `${fmtCount(routed)} routed · ${fmtCount(unroutable)} unroutable`,
    });
  });
  return table;
}

/** `latency.byPriority`: one row per priority with completions, highest first. */
export function priorityTable(latency: LatencyStats | null): Table {
  const p = latency?.byPriority;
  const levels = latency ? Array.from(latency.priorities) : [];
  const order = levels.map((_, row) => row).reverse();
  return build(
    order.map((row) => `priority ${levels[row]}`),
    [
      {
        key: 'count',
        label: 'done',
        title: 'Completions of messages with this priority (after warmup)',
        value: (i) => p!.count[order[i]],
        format: fmtCount,
      },
      ...(['p50', 'p90', 'p99', 'max'] as const).map((key) => ({
        key,
        label: key,
        title: `End-to-end latency ${key} of messages with this priority`,
        value: (i: number) => p![key][order[i]],
        format: fmtMs,
      })),
    ],
  );
}

/** Request–reply per requesting producer: how its requests were settled, and their round trip. */
export function requestTable(
  model: TopologyModel,
  stats: NodeStats | null,
  latency: LatencyStats | null,
): Table {
  const rows = model.producers.map((_, i) => i).filter((i) => model.producers[i].requests);
  const counter = (key: keyof NodeStats['requests'], label: string, title: string) => ({
    key,
    label,
    title,
    value: (i: number) => stats?.requests[key][rows[i]] ?? 0,
    format: fmtCount,
  });
  return build(
    rows.map((i) => model.producers[i].id),
    [
      counter('replies', 'replies', 'Requests answered within their timeout'),
      counter('replyTimeouts', 'timeouts', 'Requests the producer gave up on (no reply in time)'),
      counter('lateReplies', 'late', 'Replies that came after the producer had given up'),
      {
        ...counter('failed', 'failed', 'Direct calls that failed at once, the caller seeing it'),
        optional: true,
      },
      ...(['p50', 'p99', 'max'] as const).map((key) => ({
        key,
        label: `${key} ms`,
        title: `Request → reply (round trip) ${key} of the replies in time`,
        value: (i: number) => latency?.roundTrip[key][rows[i]] ?? NaN,
        format: fmtMs,
      })),
    ],
  );
}

/** Whether the producers have more to say than a count: confirms, batches or a memory alarm. */
export function showsProducers(model: TopologyModel, stats: NodeStats | null): boolean {
  return (
    model.producers.some((p) => p.confirms || p.batches) ||
    (stats?.producers.blockedMs.some((x) => x > 0) ?? false)
  );
}

/** Per producer: its publishes, batches, time blocked by a memory alarm, and publish latency. */
export function producerTable(
  model: TopologyModel,
  stats: NodeStats | null,
  latency: LatencyStats | null,
): Table {
  const p = stats?.producers;
  const counter = (
    key: keyof NodeStats['producers'],
    label: string,
    title: string,
    optional = true,
  ): NumberColumn => ({
    key,
    label,
    title,
    value: (i) => p?.[key][i] ?? 0,
    format: key === 'blockedMs' ? fmtMs : key === 'batchSizeMean' ? (x) => fmtSig(x) : fmtCount,
    optional,
  });
  return build(
    model.producers.map((x) => x.id),
    [
      counter('published', 'published', 'Publish attempts, retries included', false),
      counter('confirmed', 'confirmed', 'Publishes the broker confirmed'),
      counter('batches', 'batches', 'Batches sent'),
      counter('batchSizeMean', 'per batch', 'Messages per batch, on average'),
      counter(
        'blockedMs',
        'blocked',
        "Time its publishes waited, blocked by a node's memory alarm (it counts in latency)",
      ),
      counter(
        'unsentAtEnd',
        'unsent',
        'Messages still in the client: blocked, in an open batch or waiting for an in-flight slot',
      ),
      {
        key: 'publish-p99',
        label: 'confirm p99',
        title:
          'Intended send → confirm, 99th percentile (producers.<id>.publishLatency, after warmup)',
        value: (i: number) => latency?.publish.p99[i] ?? NaN,
        format: fmtMs,
        optional: true,
      },
    ],
  );
}

/** Per broker node: how busy it is, what it leads now, its fsyncs, memory alarm and crashes. */
export function brokerNodeTable(model: TopologyModel, stats: NodeStats | null): Table {
  const n = stats?.brokerNodes;
  const counter = (key: 'fsyncs' | 'blockedMs' | 'crashes', label: string, title: string) => ({
    key,
    label,
    title,
    value: (i: number) => n?.[key][i] ?? 0,
    format: key === 'blockedMs' ? fmtMs : fmtCount,
    optional: true,
  });
  const table = build(model.nodes, [
    {
      key: 'utilization',
      label: 'util.',
      title: 'Utilisation: busy fraction of the node after warmup (its capacity)',
      value: (i) => n?.utilization[i] ?? NaN,
      format: fmtPercent,
      optional: true, // an infinitely fast node (no capacity) is never busy
    },
    counter('fsyncs', 'fsyncs', 'Disk syncs (group commits) of durable writes'),
    counter('blockedMs', 'alarm', 'Time its memory alarm blocked publishers'),
    counter('crashes', 'crashes', 'Crashes of the node'),
  ]);
  const leads = stats?.leaderOf ?? [];
  table.columns.push({
    key: 'leaderOf',
    label: 'leader of',
    title: 'The queues and log partitions (ledger[2]) it leads now',
  });
  table.rows.forEach(
    (row, i) => row.note === undefined && row.cells.push(leads[i]?.join(', ') || '—'),
  );
  return table;
}
