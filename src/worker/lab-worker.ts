// The engine's browser home: a module Web Worker holding lab sessions, exposed through comlink.
// Frames' typed arrays are transferred, not copied, so a busy run costs the main thread nothing.

import * as Comlink from 'comlink';
import { LabSession } from './lab-session';
import type { AdvanceOptions } from './lab-session';
import type { Frame, LiveFault } from '../shared/protocol';

const session = new LabSession();

function transferFrame(frame: Frame): Frame {
  const buffers = new Set<ArrayBuffer>();
  // Typed arrays in the frame's columnar parts, one level of records deep (stats' columns).
  const add = (obj: object, depth = 0) => {
    for (const v of Object.values(obj)) {
      if (ArrayBuffer.isView(v)) buffers.add(v.buffer as ArrayBuffer);
      else if (depth === 0 && typeof v === 'object' && v !== null) add(v as object, 1);
    }
  };
  for (const part of [frame.events, frame.state, frame.series, frame.stats, frame.latency])
    if (part) add(part);
  if (frame.distribution) add(frame.distribution);
  return Comlink.transfer(frame, [...buffers]);
}

const api = {
  load: (text: string, fileName: string, seed?: number) => session.load(text, fileName, seed),
  reset: (seed?: number) => session.reset(seed),
  advanceTo: (untilUs: number, options?: AdvanceOptions) =>
    transferFrame(session.advanceTo(untilUs, options)),
  step: (options?: AdvanceOptions) => transferFrame(session.step(options)),
  seek: (toUs: number) => transferFrame(session.seek(toUs)),
  anomalies: (from: number) => session.anomalyList(from),
  addFault: (fault: LiveFault, atUs: number) => session.addFault(fault, atUs),
  lifecycle: (id: string) => session.lifecycle(id),
  fullReport: () => session.fullReport(),
  timing: () => session.timing,
};

export type LabWorkerApi = typeof api;

Comlink.expose(api);
