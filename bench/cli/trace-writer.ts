// `--trace FILE.ndjson`: one JSON line per event, written through a buffer with synchronous
// writes (the engine runs synchronously, and this keeps memory flat however long the run).
// Everything in a line comes from the event itself and the run's names.

import { closeSync, openSync, writeSync } from 'node:fs';
import { ALL_EVENTS, EVENT_KINDS, eventName } from '../../sim-core/index';
import type { EventWhere, RunNames, SimEvent, SimObserver } from '../../sim-core/index';

const FLUSH_AT = 1 << 16;

export class TraceWriter implements SimObserver {
  readonly kinds = ALL_EVENTS;
  private fd: number;
  private buf = '';
  private readonly fields: EventWhere[] = [];

  constructor(
    file: string,
    private readonly names: RunNames,
  ) {
    this.fd = openSync(file, 'w');
    for (const e of EVENT_KINDS) this.fields[e.kind] = e.where;
  }

  onEvent(ev: SimEvent): void {
    const n = this.names;
    const where = ev.where;
    const field = this.fields[ev.kind];
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
    this.buf += line + '}\n';
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
