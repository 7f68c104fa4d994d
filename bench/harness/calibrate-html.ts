// The calibration's HTML report: the live broker's end-to-end latency CDFs overlaid on the
// simulator's (each run thin, the quantile average bold), the tail on a log scale, and the
// metric table with relative errors and verdicts.

import type { CalibrationResult } from '../cli/calibrate';
import { sideCdf } from './compare-results';
import { overlaidCdfChart } from './compare-html';
import type { CdfSide } from './compare-html';
import { escapeHtml, htmlPage, htmlTable } from './html-page';
import { sig3 } from '../cli/format';
import { overloadNote } from './calibration';

const fmt = sig3;

export function calibrateHtml(r: CalibrationResult): string {
  const broker = `${r.backend.kind === 'rabbitmq' ? 'RabbitMQ' : 'NATS'} ${r.backend.version}`;
  const sides: CdfSide[] = [
    { label: 'real', name: broker, color: '#d62728', cdf: sideCdf(r.cdf.real), unit: 'run' },
    { label: 'sim', name: 'simulator', color: '#1f77b4', cdf: sideCdf(r.cdf.sim), unit: 'run' },
  ];
  const subtitle = `${r.realSeeds.length} live runs vs ${r.simSeeds.length} simulated seeds`;
  const rows = [
    ['metric', `${broker} median`, 'range', 'simulator median', 'range', 'rel. error', 'verdict'],
    ...r.metrics.map((m) => [
      `${m.label} (${m.unit})`,
      fmt(m.real.median),
      `${fmt(m.real.min)}–${fmt(m.real.max)}`,
      fmt(m.sim.median),
      `${fmt(m.sim.min)}–${fmt(m.sim.max)}`,
      m.relError === null ? '–' : `${(m.relError * 100).toFixed(1)}%`,
      m.sameSign !== null
        ? m.sameSign
          ? 'same sign'
          : 'sign differs'
        : m.withinBand !== null
          ? m.withinBand
            ? `within ±${m.band! * 100}%`
            : `outside ±${m.band! * 100}%`
          : '',
    ]),
  ];
  const body = [
    `<h1>Calibration: ${escapeHtml(r.scenario)}</h1>`,
    `<p class="meta">${escapeHtml(`${broker} at ${r.backend.url} · live seeds ${r.realSeeds.join(', ')} · simulated seeds ${r.simSeeds.join(', ')}`)}</p>`,
    `<p class="meta">${escapeHtml(`The simulator was given the service times and the network hop measured on the broker (hop from ${r.inputs.hop.source}).`)}</p>`,
    `<p class="${r.agrees ? 'meta' : 'failed'}">${r.agrees ? 'The simulator agrees within the bands.' : 'The simulator does not agree on every banded metric.'}</p>`,
    r.overloadedRuns.length > 0
      ? `<p class="failed">${escapeHtml(overloadNote(r.overloadedRuns))}</p>`
      : '',
    `<div class="charts">${overlaidCdfChart(sides, subtitle, false)}${overlaidCdfChart(sides, subtitle, true)}</div>`,
    '<h2>Metrics</h2>',
    htmlTable(rows, ['left']),
    r.warnings.length > 0
      ? `<ul class="notes">${r.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
      : '',
  ].join('\n');
  return htmlPage(`Calibration: ${r.scenario}`, body);
}
