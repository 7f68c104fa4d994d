// `--trace FILE.ndjson`: one JSON line per event, written through a buffer with synchronous
// writes (the engine runs synchronously, and this keeps memory flat however long the run).

import { closeSync, openSync, writeSync } from 'node:fs';
import { eventName, eventWhere } from '../../sim-core/index';
import type { Engine, EventKind, EventWhere, SimObserver } from '../../sim-core/index';

const FLUSH_AT = 1 << 16;

export class TraceWriter implements SimObserver {
  private fd: number;
  private buf = '';
  private engine: Engine | null = null;
  private readonly fields: EventWhere[] = [];

  constructor(file: string) {
    this.fd = openSync(file, 'w');
    for (let k = 1; k <= 32; k++) this.fields[k] = eventWhere(k);
  }

  attach(engine: Engine): void {
    this.engine = engine;
  }

  onEvent(kind: EventKind, timeUs: number, s: number, where: number, aux: number): void {
    const e = this.engine!;
    const m = e.msgs;
    const field = this.fields[kind];
    const whereName =
      where < 0
        ? 'broker'
        : field === 'producer'
          ? e.topo.senderNames[where]
          : field === 'instance'
            ? e.instances[where]?.name
            : field === 'channel'
              ? e.scenario.channels[where]?.id
              : e.queues[where]?.name;
    let line = `{"t":${timeUs / 1000},"event":"${eventName(kind)}","${field}":${JSON.stringify(whereName ?? where)}`;
    if (s >= 0) {
      line += `,"msg":"${e.topo.senderNames[m.producer[s]]}:${m.seq[s]}"`;
      if (m.key[s] >= 0) line += `,"key":${m.key[s]}`;
    }
    if (aux !== 0) line += `,"aux":${aux}`;
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
