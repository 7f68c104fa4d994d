// What seek checkpoints buy the lab (`npm run bench:seek`): the CPU time of a seek back, from the
// nearest checkpoint vs replaying from zero, and what taking checkpoints costs while playing.
// The heaviest lessons, played to the end at 1× (the log whole) then rewound step by step to
// the same five instants; A and B alternate, the median of ROUNDS rounds is printed, with its
// range. (A seek forward plays on from where the run stands, with or without checkpoints.)

import { readFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { LabSession } from '../../src/worker/lab-session';
import { CHECKPOINT_EVERY } from '../../src/worker/checkpoints';

const LESSONS = [
  'producer-batching',
  'acks-leader-crash',
  'broker-bottleneck',
  'competing-consumers',
];
/** Seek targets as fractions of the lesson's duration, in this order: a rewind. */
const TARGETS = [0.9, 0.7, 0.5, 0.3, 0.1];
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const cpuMs = (): number => {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Round {
  playMs: number;
  seekMs: number[];
}

function round(lesson: string, checkpointEvery: number): Round {
  const file = `examples/${lesson}.yaml`;
  const s = new LabSession(checkpointEvery);
  const r = s.load(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
  let t = cpuMs();
  let f = s.advanceTo(0);
  while (!f.done) f = s.advanceTo(f.nowUs + 1_000_000); // frames of 1 s, as the lab plays
  const playMs = cpuMs() - t;
  const endUs = f.nowUs;
  const seekMs = TARGETS.map((x) => {
    t = cpuMs();
    s.seek(x * endUs);
    return cpuMs() - t;
  });
  return { playMs, seekMs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const range = (xs: number[]): string =>
  `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

console.log(
  `Seek back: from checkpoints (every ${CHECKPOINT_EVERY.toLocaleString('en')} engine events) ÷ replay from zero; CPU time, median of ${ROUNDS} alternating rounds [range]`,
);
console.log(
  'lesson                   seek ms (zero → checkpoints)   seek ratio          play ratio',
);
for (const lesson of LESSONS) {
  const seekRatios: number[] = [];
  const playRatios: number[] = [];
  const zeroMs: number[] = [];
  const cpMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first, so a drifting machine favours neither.
    let a: Round; // from zero
    let b: Round; // from checkpoints
    if (i % 2 === 0) {
      a = round(lesson, Infinity);
      b = round(lesson, CHECKPOINT_EVERY);
    } else {
      b = round(lesson, CHECKPOINT_EVERY);
      a = round(lesson, Infinity);
    }
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    zeroMs.push(sum(a.seekMs) / TARGETS.length);
    cpMs.push(sum(b.seekMs) / TARGETS.length);
    seekRatios.push(sum(b.seekMs) / sum(a.seekMs));
    playRatios.push(b.playMs / a.playMs);
  }
  console.log(
    `${lesson.padEnd(24)} ${median(zeroMs).toFixed(0).padStart(6)} → ${median(cpMs).toFixed(0).padEnd(18)} ${median(seekRatios).toFixed(3)} [${range(seekRatios)}]  ${median(playRatios).toFixed(3)} [${range(playRatios)}]`,
  );
}
