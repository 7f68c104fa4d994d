// The form's fields: the common knobs of a scenario, read from its text and addressed by the
// same id paths as `brokerlab sweep --vary` (consumers.workers.prefetch, …).

import { parseScenarioText } from '../../sim-core/index';

export interface FormField {
  path: string;
  label: string;
  group: string;
  kind: 'number' | 'select' | 'duration' | 'boolean';
  value: unknown;
  options?: string[];
  min?: number;
  hint?: string;
}

type Raw = Record<string, unknown>;

export function formFields(text: string, fileName: string): FormField[] {
  const parsed = parseScenarioText(text, fileName);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return [];
  const s = parsed.value as Raw;
  const out: FormField[] = [];
  const list = (k: string) => (Array.isArray(s[k]) ? (s[k] as Raw[]) : []);
  for (const p of list('producers')) {
    const rate = (p.rate ?? {}) as Raw;
    if (typeof rate.perSecond === 'number')
      out.push({
        path: `producers.${p.id}.rate.perSecond`,
        label: 'rate (msg/s)',
        group: `producer ${p.id}`,
        kind: 'number',
        value: rate.perSecond,
        min: 0,
      });
  }
  for (const c of list('channels')) {
    const g = `${c.kind ?? 'queue'} ${c.id}`;
    if (c.kind === 'log') {
      out.push({
        path: `channels.${c.id}.partitions`,
        label: 'partitions',
        group: g,
        kind: 'number',
        value: c.partitions ?? 1,
        min: 1,
      });
    } else if ((c.kind ?? 'queue') === 'queue') {
      out.push({
        path: `channels.${c.id}.ackTimeout`,
        label: 'ack timeout',
        group: g,
        kind: 'duration',
        value: c.ackTimeout ?? 'none',
        hint: 'e.g. 30s, or none',
      });
      out.push({
        path: `channels.${c.id}.maxDeliveries`,
        label: 'max deliveries',
        group: g,
        kind: 'duration',
        value: c.maxDeliveries ?? 'none',
        hint: 'a number, or none',
      });
    }
  }
  for (const c of list('consumers')) {
    const g = `consumer ${c.id}`;
    out.push({
      path: `consumers.${c.id}.instances`,
      label: 'instances',
      group: g,
      kind: 'number',
      value: c.instances ?? 1,
      min: 1,
    });
    out.push({
      path: `consumers.${c.id}.prefetch`,
      label: 'prefetch',
      group: g,
      kind: 'number',
      value: c.prefetch ?? 1,
      min: 1,
    });
    out.push({
      path: `consumers.${c.id}.ack`,
      label: 'ack mode',
      group: g,
      kind: 'select',
      value: c.ack ?? 'manual',
      options: ['manual', 'auto'],
    });
    const crashes = (c.crashes ?? null) as Raw | null;
    out.push({
      path: `consumers.${c.id}.crashes.mtbf`,
      label: 'crash every (mean)',
      group: g,
      kind: 'duration',
      value: crashes?.mtbf ?? 'none',
      hint: 'e.g. 20s, or none',
    });
  }
  const broker = (s.broker ?? {}) as Raw;
  out.push({
    path: 'broker.durable',
    label: 'durable',
    group: 'broker',
    kind: 'boolean',
    value: broker.durable ?? true,
  });
  return out;
}

/** A form input's text as the scenario value: numbers as numbers, "none" kept, durations as text. */
export function fieldValue(field: FormField, input: string | boolean): unknown {
  if (field.kind === 'boolean') return Boolean(input);
  const t = String(input).trim();
  if (field.kind === 'number') return Number(t);
  if (field.kind === 'duration')
    return t === '' ? 'none' : /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
  return t;
}
