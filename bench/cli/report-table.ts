// The `--format table` report: a summary a person can read at a glance, with the theory
// comparison when the scenario has a closed form.

import type {
  ChannelReport,
  ExchangeReport,
  LatencySummaryMs,
  ProducerReport,
  Report,
  RequestReport,
} from '../../sim-core/index';
import { isExchangeReport } from '../../sim-core/index';
import { columns, count, percent, sig3 } from './format';

/** @param runLine the line under the title: how the run was made (a live run says where). */
export function reportTable(
  r: Report,
  runLine = `simulated ${sig3(r.simulatedMs / 1000)} s in ${sig3(r.wallMs / 1000)} s wall (${count(r.events)} events) · traceHash ${r.traceHash}`,
): string {
  const t = r.totals;
  const out: string[] = [];
  out.push(`${r.scenario} — seed ${r.seed}`);
  out.push(runLine);
  out.push('', 'Messages');
  out.push(
    columns([
      [
        'published',
        count(t.published),
        'enqueued',
        count(t.enqueued),
        'processed',
        count(t.processed),
      ],
      [
        'delivered',
        count(t.delivered),
        'redelivered',
        count(t.redelivered),
        'pending at end',
        count(t.pendingAtEnd),
      ],
    ]),
  );
  const anomalies = (
    [
      ['duplicates processed', t.duplicatesProcessed],
      ['duplicates suppressed', t.duplicatesSuppressed],
      ['order violations', t.orderViolations],
      ['lost', t.lost],
      ['lost acknowledged', t.lostAcknowledged],
      ['dead-lettered', t.deadLettered],
      ['expired', t.expired],
      ['dropped', t.dropped],
      ['rejected', t.rejected],
      ['unroutable', t.unroutable],
      ['publish failed', t.publishFailed],
      ['duplicates enqueued', t.duplicatesEnqueued],
      ['deduplicated', t.deduplicated],
      ['reply timeouts', t.replyTimeouts],
      ['late replies', t.lateReplies],
    ] as Array<[string, number]>
  ).filter(([, n]) => n > 0);
  out.push(
    anomalies.length === 0
      ? '  no anomalies'
      : '  ' + anomalies.map(([k, n]) => `${k} ${count(n)}`).join(' · '),
  );
  const producers = Object.entries(r.producers);
  const requesters = producers.filter(
    (e): e is [string, ProducerReport & RequestReport] => e[1].roundTrip !== undefined,
  );
  const confirming = producers.filter(([, p]) => p.confirmed > 0);
  out.push('', 'Latency (ms)');
  const lat = (name: string, l: LatencySummaryMs) => [
    name,
    count(l.count),
    sig3(l.mean),
    sig3(l.p50),
    sig3(l.p90),
    sig3(l.p99),
    sig3(l.p999),
    sig3(l.max),
  ];
  out.push(
    columns([
      ['', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'],
      lat('end-to-end', r.latency.endToEnd),
      lat('queue wait', r.latency.queueWait),
      lat('service', r.latency.service),
      // End-to-end per message priority, highest first (priority queues).
      ...Object.entries(r.latency.byPriority ?? {})
        .sort(([a], [b]) => Number(b) - Number(a))
        .map(([p, l]) => lat(`priority ${p}`, l)),
      // Request → reply (request–reply), over all requesting producers and then each of them.
      ...(r.latency.roundTrip === undefined ? [] : [lat('round trip', r.latency.roundTrip)]),
      ...requesters.map(([id, p]) => lat(`  ${id}`, p.roundTrip)),
      // Intended send → confirm, per confirming producer.
      ...confirming.map(([id, p]) => lat(`publish ${id}`, p.publishLatency)),
    ]),
  );
  if (requesters.length > 0) {
    out.push('', 'Requests');
    out.push(
      columns([
        ['', 'replies', 'timeouts', 'late replies', 'failed calls'],
        ...requesters.map(([id, p]) => [
          id,
          count(p.replies),
          count(p.replyTimeouts),
          count(p.lateReplies),
          count(p.failed),
        ]),
      ]),
    );
  }
  const batching = producers.filter(([, p]) => p.batches > 0);
  if (batching.length > 0) {
    out.push('', 'Batches');
    out.push(
      columns([
        ['', 'published', 'batches', 'mean size'],
        ...batching.map(([id, p]) => [
          id,
          count(p.published),
          count(p.batches),
          sig3(p.batchSizeMean),
        ]),
      ]),
    );
  }
  const nodes = 'broker' in r ? r.broker.nodes : [];
  if (nodes.length > 1 || nodes.some((n) => n.utilization > 0 || n.fsyncs > 0)) {
    out.push('', 'Broker nodes');
    out.push(
      columns([
        ['', 'utilization', 'fsyncs', 'crashes', 'leader of'],
        ...nodes.map((n) => [
          n.id,
          percent(n.utilization),
          count(n.fsyncs),
          count(n.crashes),
          n.leaderOf.join(' ') || '—',
        ]),
      ]),
    );
  }
  const tp = r.throughput;
  out.push(
    '',
    `Throughput  published ${sig3(tp.publishedPerSec)} msg/s · processed ${sig3(tp.processedPerSec)} msg/s · ${sig3(tp.bytesPerSec / 1e6)} MB/s`,
  );
  const entries = Object.entries(r.channels);
  const exchanges = entries.filter((e): e is [string, ExchangeReport] => isExchangeReport(e[1]));
  if (exchanges.length > 0) {
    out.push('', 'Exchanges');
    out.push(
      columns([
        ['', 'routed', 'unroutable'],
        ...exchanges.map(([id, x]) => [id, count(x.routed), count(x.unroutable)]),
      ]),
    );
  }
  out.push('', "Channels (depth = ready + unacked; a log group's is its lag)");
  const optional = (x: number | undefined) => (x === undefined ? '—' : sig3(x));
  out.push(
    columns([
      [
        '',
        'depth max',
        'depth mean',
        'ready mean',
        'unacked mean',
        'enqueued',
        'processed',
        'dead-lettered',
      ],
      ...entries
        .filter((e): e is [string, ChannelReport] => !isExchangeReport(e[1]))
        .map(([id, c]) => [
          id,
          count(c.depthMax),
          sig3(c.depthMean),
          optional(c.readyMean),
          optional(c.unackedMean),
          count(c.enqueued),
          count(c.processed),
          count(c.deadLettered),
        ]),
    ]),
  );
  const deadLetters = entries.flatMap(([id, c]) =>
    c.deadLetterReasons === undefined ? [] : [[id, c.deadLetterReasons] as const],
  );
  if (deadLetters.length > 0) {
    out.push('', 'Dead letters sent to each dead-letter channel, by reason');
    out.push(
      columns([
        ['', 'rejected', 'expired', 'maxDeliveries', 'maxLength'],
        ...deadLetters.map(([id, d]) => [
          id,
          count(d.rejected),
          count(d.expired),
          count(d.maxDeliveries),
          count(d.maxLength),
        ]),
      ]),
    );
  }
  out.push('', 'Consumers');
  out.push(
    columns([
      ['', 'processed', 'utilisation', 'crashes', 'duplicates', 'order violations', 'p99 ms'],
      ...Object.entries(r.consumers).map(([id, c]) => [
        id,
        count(c.processed),
        percent(c.utilization),
        count(c.crashes),
        count(c.duplicatesProcessed),
        count(c.orderViolations),
        sig3(c.latency.p99),
      ]),
    ]),
  );
  if (r.theory) out.push('', ...theoryLines(r));
  out.push('', `Checks  conservation ${r.checks.conservation ? 'holds' : 'FAILED'}`);
  return out.join('\n') + '\n';
}

function theoryLines(r: Report): string[] {
  const th = r.theory!;
  const row = (
    name: string,
    c: { theory: number | null; measured: number },
    unit: string,
    asPercent = false,
  ) => {
    const fmt = (x: number) => (asPercent ? percent(x) : sig3(x));
    const diff = c.theory
      ? `${c.measured >= c.theory ? '+' : ''}${sig3(((c.measured - c.theory) / c.theory) * 100)}%`
      : '—';
    return [name, c.theory === null ? '—' : fmt(c.theory), fmt(c.measured), diff, unit];
  };
  return [
    `Theory (${th.model}: ${sig3(th.arrivalPerSec)} msg/s, ${th.brokerServiceMs === undefined ? '' : `broker work ${sig3(th.brokerServiceMs)} ms, `}mean service ${sig3(th.serviceMeanMs)} ms, ${th.servers} server${th.servers > 1 ? 's' : ''})`,
    columns([
      ['', 'theory', 'measured', 'diff', ''],
      row('utilisation', th.utilization, '', true),
      row('mean queue wait', th.queueWaitMeanMs, 'ms'),
      row('p99 queue wait', th.queueWaitP99Ms, 'ms'),
      row('mean end-to-end', th.endToEndMeanMs, 'ms'),
      row('p99 end-to-end', th.endToEndP99Ms, 'ms'),
      row('mean queue length', th.queueLengthMean, ''),
    ]),
  ];
}
