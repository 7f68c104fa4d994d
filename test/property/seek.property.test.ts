// Seeking the lab's run from checkpoints: after any mix of playing (at "max" the log keeps a
// sample only), seeking back and forth, a seek lands on exactly what a fresh run seeking straight
// there shows — the frame (hash so far, counters, nodes, charts) and, after a seek back, the
// latest events and the inspector's lives of the messages in them. Checkpoints are close together here so that restores,
// thinning and wound-back logs all happen within a few seconds of a lesson.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { LabSession } from '../../src/worker/lab-session';
import type { Frame } from '../../src/shared/protocol';
import { numRuns } from './runs';

const LESSONS = [
  'crash-duplicates', // redeliveries and duplicates
  'broker-crash-transient', // a burst of losses
  'kafka-rebalance-replay', // partitioned logs, commits, a rebalance
  'event-driven-chain', // emits: lives that lead to lives
  'priority-overload', // dot classes by priority
];

/** A lesson loaded in a session, and its senders' names (a message is `sender:sequence`). */
function session(lesson: string, checkpointEvery: number): { s: LabSession; senders: string[] } {
  const file = `examples/${lesson}.yaml`;
  const s = new LabSession(checkpointEvery);
  const r = s.load(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { s, senders: r.model.senders.map((x) => x.name) };
}

/** A frame without the anomaly list's size (it keeps the furthest run's, by design). */
function shown(f: Frame) {
  const { anomalyCount: _n, anomalyCounts: _c, ...rest } = f;
  return rest;
}

const stepArb = fc.record({
  op: fc.constantFrom('play', 'max', 'seek'),
  atMs: fc.integer({ min: 0, max: 20_000 }),
});

test.prop(
  [
    fc.constantFrom(...LESSONS),
    fc.array(stepArb, { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 20_000 }),
  ],
  { numRuns: Math.max(12, numRuns / 20) },
)('a seek lands where a fresh run seeking straight there lands', (lesson, steps, lastMs) => {
  const { s } = session(lesson, 2_000);
  let nowUs = 0;
  for (const { op, atMs } of steps) {
    if (op === 'seek') nowUs = s.seek(atMs * 1000).nowUs;
    else if (op === 'play') nowUs = s.advanceTo(atMs * 1000).nowUs;
    // At "max" frames of 250 ms, each frame's sample deciding what the next one logs.
    else
      while (nowUs < atMs * 1000)
        nowUs = s.advanceTo(nowUs + 250_000, { logSampledOnly: true, maxEvents: 50 }).nowUs;
  }
  // A seek back replays from a checkpoint with the whole log; a seek on from "max" keeps the
  // sample the log took (the inspector says its lives are partial), as it always has.
  const wholeLog = lastMs * 1000 < nowUs || steps.every((x) => x.op !== 'max');
  const f = s.seek(lastMs * 1000);
  const straight = session(lesson, Infinity);
  const g = straight.s.seek(lastMs * 1000);
  const { events: fe, ...fRest } = shown(f);
  const { events: ge, ...gRest } = shown(g);
  expect(fRest).toEqual(gRest);
  if (!wholeLog) return;
  expect(fe).toEqual(ge);
  // The inspector reads the wound-back log: each message of the frame has the same life.
  const ids = new Set<string>();
  for (let i = 0; i < g.events.count && ids.size < 5; i++)
    if (g.events.sender[i] >= 0)
      ids.add(`${straight.senders[g.events.sender[i]]}:${g.events.seq[i]}`);
  for (const id of ids) expect(s.lifecycle(id), id).toEqual(straight.s.lifecycle(id));
});
