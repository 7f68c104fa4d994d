// `--trace FILE.ndjson`: one JSON line per event, written through a buffer with synchronous
// writes (the engine runs synchronously, and this keeps memory flat however long the run).
// Everything in a line comes from the event itself and the run's names (traceLine, which the
// golden traces in test/golden/ use too, so they pin exactly what this file writes).

import { closeSync, openSync, writeSync } from 'node:fs';
import { ALL_EVENTS, EVENT_KINDS, eventName } from '../../sim-core/index';
import type { EventWhere, RunNames, SimEvent, SimObserver } from '../../sim-core/index';

const FLUSH_AT = 1 << 16;

/** What each event kind's `where` names, by kind. */
const FIELDS: EventWhere[] = [];
for (const e of EVENT_KINDS) FIELDS[e.kind] = e.where;

/** One trace line (without its newline): a pure function of the event and the run's names. */
export function traceLine(ev: SimEvent, n: RunNames): string {
  const where = ev.where;
  const field = FIELDS[ev.kind];
  const whereName =
    where < 0
      ? 'broker'
      : field === 'producer'
        ? n.senders[where]
        : field === 'instance'
          ? n.instances[where]
          : field === 'channel'
            ? n.channels[where]
            : n.queues[where];
  let line = `{"t":${ev.timeUs / 1000},"event":"${eventName(ev.kind)}","${field}":${JSON.stringify(whereName ?? where)}`;
  if (ev.sender >= 0) {
    line += `,"msg":"${n.senders[ev.sender]}:${ev.seq}"`;
    if (ev.key >= 0) line += `,"key":${ev.key}`;
  }
  if (ev.aux !== 0) line += `,"aux":${ev.aux}`;
  return line + '}';
}

export class TraceWriter implements SimObserver {
  readonly kinds = ALL_EVENTS;
  private fd: number;
  private buf = '';

  constructor(
    file: string,
    private readonly names: RunNames,
  ) {
    this.fd = openSync(file, 'w');
  }

  onEvent(ev: SimEvent): void {
    this.buf += traceLine(ev, this.names) + '\n';
    if (this.buf.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buf.length > 0) writeSync(this.fd, this.buf);
    this.buf = '';
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
