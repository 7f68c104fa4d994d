// `brokerlab real`: plays a scenario against a live broker and prints the report in `run`'s
// shape (table, json or csv), with the broker named and what was measured on it.

import { writeFileSync } from 'node:fs';
import { parseDuration, reportCsv } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';
import { loadScenario } from './load';
import type { Overrides } from './load';
import { UsageError } from './errors';
import { checkWritable } from './writable';
import { reportTable } from './report-table';
import { sig3 } from './format';
import type { Format } from './run';
import { backendOf, checkPlayable, runOnBroker } from '../real/backends';
import type { RealReport } from '../real/real-report';

export interface RealCommand {
  file: string;
  broker: string | undefined;
  seed?: number;
  format: Format;
  out?: string;
  nagle: boolean;
  drain?: string;
  overrides: Overrides;
}

const lat = (l: { p50: number; p99: number; count: number }) =>
  l.count === 0 ? '–' : `p50 ${sig3(l.p50)} · p99 ${sig3(l.p99)} ms`;

export function realTable(r: RealReport): string {
  const b = r.backend;
  const head = `played on ${b.kind === 'rabbitmq' ? 'RabbitMQ' : 'NATS'} ${b.version} at ${b.url}: ${sig3(r.simulatedMs / 1000)} s (${sig3(r.wallMs / 1000)} s wall, with setup and drain)`;
  const lines = [
    reportTable(r as unknown as Report, head).trimEnd(),
    '',
    'Measured on the broker',
    `  service slept   ${lat(r.measured.service)}`,
    `  publish lag     ${lat(r.measured.publishLag)}   (intended instant → send)`,
    `  confirm         ${lat(r.measured.confirm)}   (send → publisher confirm)`,
    `  deliver         ${lat(r.measured.deliver)}   (enqueue → receipt, idle consumer)`,
    ...(r.measured.spareCpu === null
      ? []
      : [
          `  spare CPU       ${(r.measured.spareCpu * 100).toFixed(0)}% of the client machine idle`,
        ]),
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n') + '\n';
}

/** --drain: how long to wait after the end for late messages (default 10 s). */
export function parseDrainMs(text: string | undefined): number {
  const ms = text === undefined ? 10_000 : parseDuration(text);
  if (ms === null || ms < 0)
    throw new UsageError([`--drain: must be a duration like 10s (got "${text}")`]);
  return ms;
}

export async function realCommand(cmd: RealCommand): Promise<number> {
  const kind = backendOf(cmd.broker);
  const scenario = loadScenario(cmd.file, cmd.overrides);
  checkWritable('--out', cmd.out);
  const drainMs = parseDrainMs(cmd.drain);
  checkPlayable(scenario, kind, cmd.nagle);
  const { report } = await runOnBroker(kind, scenario, {
    url: cmd.broker!,
    seed: cmd.seed ?? scenario.seed,
    nagle: cmd.nagle,
    drainMs,
  });
  const text =
    cmd.format === 'json'
      ? JSON.stringify(report, null, 2) + '\n'
      : cmd.format === 'csv'
        ? reportCsv(report as unknown as Report)
        : realTable(report);
  if (cmd.out) {
    writeFileSync(cmd.out, text);
    process.stderr.write(`wrote the ${cmd.format} report to ${cmd.out}\n`);
  } else process.stdout.write(text);
  return 0;
}
