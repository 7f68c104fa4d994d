// `--trace FILE.ndjson`: one JSON line per event, written through a buffer with synchronous
// writes (the engine runs synchronously, and this keeps memory flat however long the run).

import { closeSync, openSync, writeSync } from 'node:fs';
import { eventName } from '../../sim-core/index';
import type { Engine, EventKind, SimObserver } from '../../sim-core/index';

const FLUSH_AT = 1 << 16;

/** Which name space an event's `where` index refers to. */
type WhereField = 'producer' | 'queue' | 'instance' | 'channel';

const BY_INSTANCE = [
  'delivered',
  'received',
  'started',
  'processed',
  'reprocessed',
  'failed',
  'suppressed',
  'crashed',
  'recovered',
];

function whereField(kind: number): WhereField {
  const name = eventName(kind);
  if (name === 'published' || name === 'confirmed' || name === 'publishFailed') return 'producer';
  if (name === 'unrouted') return 'channel';
  return BY_INSTANCE.includes(name) ? 'instance' : 'queue';
}

export class TraceWriter implements SimObserver {
  private fd: number;
  private buf = '';
  private engine: Engine | null = null;
  private readonly fields: Array<'producer' | 'queue' | 'instance' | 'channel'> = [];

  constructor(file: string) {
    this.fd = openSync(file, 'w');
    for (let k = 1; k <= 32; k++) this.fields[k] = whereField(k);
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
