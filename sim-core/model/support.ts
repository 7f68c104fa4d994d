// Checks a valid scenario can run: no option the engine does not model yet (never a silently
// wrong run), and no run that can never end. Problems come back as `path: message` errors.

import type { Scenario, ValidationError } from '../scenario/types';

/** Thrown by a Simulation for a scenario it cannot run; carries every problem found. */
export class NotRunnableError extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
    this.name = 'NotRunnableError';
  }
}

const LATER = 'is not modelled yet';

/** Every reason this scenario cannot run, or an empty list. */
export function runnableProblems(s: Scenario): ValidationError[] {
  const errors: ValidationError[] = [];
  const no = (path: string, what: string) => errors.push({ path, message: `${what} ${LATER}` });
  s.producers.forEach((p, i) => {
    const toLog = s.channels.find((c) => c.id === p.to)?.kind === 'log';
    if (p.confirm !== null && !toLog && reachesLog(s, p.to, new Set()))
      no(`producers[${i}].confirm`, 'publisher confirms through an exchange to a log');
    if (p.confirm !== null && toLog && p.confirm.retries > 0 && !p.idempotent)
      no(
        `producers[${i}].idempotent`,
        'retrying publishes to a log without idempotent: true (the duplicate records it appends)',
      );
    if (p.delay !== null && reachesLog(s, p.to, new Set()))
      no(`producers[${i}].delay`, 'delayed delivery to a log (or an exchange bound to one)');
    if (p.delay !== null && s.channels.find((c) => c.id === p.to)?.kind === 'direct')
      no(`producers[${i}].delay`, 'delayed delivery of a direct call');
  });
  const priorityFifo = (path: string, o: { fifoGroups: boolean; maxPriority: number | null }) => {
    if (o.fifoGroups && o.maxPriority !== null)
      no(`${path}.maxPriority`, 'maxPriority with fifoGroups');
  };
  s.channels.forEach((ch, i) => {
    if (ch.kind === 'queue') priorityFifo(`channels[${i}]`, ch);
    if (ch.kind === 'topic')
      ch.subscriptions.forEach((sub, j) => priorityFifo(`channels[${i}].subscriptions[${j}]`, sub));
  });
  s.consumers.forEach((c, i) => {
    const log = s.channels.find((ch) => ch.id === c.from)?.kind === 'log';
    for (const field of ['reject', 'neverAck'] as const) {
      if (!c[field]) continue;
      if (log) no(`consumers[${i}].${field}`, `${field} on a log consumer`);
      else if (c.ack === 'auto')
        errors.push({
          path: `consumers[${i}].${field}`,
          message: 'needs ack: manual (with auto ack the broker forgets a delivery as it sends it)',
        });
    }
  });
  errors.push(...endlessRunProblems(s));
  return errors;
}

/** Whether a publish to this channel can end up in a log (through exchanges' bindings). */
function reachesLog(s: Scenario, id: string, seen: Set<string>): boolean {
  const ch = s.channels.find((c) => c.id === id);
  if (ch === undefined || seen.has(id)) return false;
  seen.add(id);
  if (ch.kind === 'log') return true;
  if (ch.kind !== 'exchange') return false;
  const next = [...ch.bindings.map((b) => b.to), ...(ch.alternate === null ? [] : [ch.alternate])];
  return next.some((to) => reachesLog(s, to, seen));
}

/** A drained run with no duration needs every producer to stop by itself. */
function endlessRunProblems(s: Scenario): ValidationError[] {
  if (s.until !== 'drained' || s.duration !== null) return [];
  const out: ValidationError[] = [];
  s.producers.forEach((p, i) => {
    if (p.count === null && p.stop === null && p.rate.kind !== 'trace' && !stepsEndAtZero(p.rate))
      out.push({
        path: `producers[${i}]`,
        message:
          'never stops, so the run can never drain: give it a count or stop, or give the scenario a duration',
      });
  });
  return out;
}

function stepsEndAtZero(rate: Scenario['producers'][number]['rate']): boolean {
  return (
    rate.kind === 'steps' && rate.steps.length > 0 && rate.steps[rate.steps.length - 1][1] === 0
  );
}

/** Throws NotRunnableError if the scenario cannot run. */
export function checkRunnable(s: Scenario): void {
  const problems = runnableProblems(s);
  if (problems.length > 0) throw new NotRunnableError(problems);
}
