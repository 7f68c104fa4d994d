// A cheap upper-bound estimate of a run's size before it starts, so a scenario that would blow
// its event budget fails in milliseconds with a clear message instead of after minutes.

import { noLatency } from '../scenario/hops';
import type { Consumer, Producer, Rate, Scenario } from '../scenario/types';
import { compileDist } from '../random';
import { BudgetExceededError } from '../kernel/errors';

/** Expected number of messages a producer publishes within the run. */
export function expectedMessages(p: Producer, durationMs: number | null): number {
  const endMs = Math.min(p.stop ?? Infinity, durationMs ?? Infinity, lastArrivalMs(p.rate));
  const byRate = endMs === Infinity ? Infinity : expectedArrivals(p.rate, p.start, endMs);
  return Math.min(p.count ?? Infinity, byRate);
}

/** When a rate stops by itself: a trace's last time, or steps ending at rate 0; else Infinity. */
function lastArrivalMs(rate: Rate): number {
  if (rate.kind === 'trace') return rate.at.length > 0 ? rate.at[rate.at.length - 1] + 1 : 0;
  if (rate.kind === 'steps' && rate.steps.length > 0 && rate.steps[rate.steps.length - 1][1] === 0)
    return rate.steps[rate.steps.length - 1][0];
  return Infinity;
}

function expectedArrivals(rate: Rate, startMs: number, endMs: number): number {
  const spanSec = Math.max(0, endMs - startMs) / 1000;
  switch (rate.kind) {
    case 'constant':
    case 'poisson':
      return rate.perSecond * spanSec;
    case 'bursty': {
      const share = rate.burstLength / rate.burstEvery;
      return (rate.burstPerSecond * share + rate.perSecond * (1 - share)) * spanSec;
    }
    case 'steps': {
      let total = 0;
      rate.steps.forEach(([at, perSecond], i) => {
        const from = Math.max(at, startMs);
        const to = Math.min(i + 1 < rate.steps.length ? rate.steps[i + 1][0] : endMs, endMs);
        if (to > from) total += (perSecond * (to - from)) / 1000;
      });
      return total;
    }
    case 'trace':
      return rate.at.filter((t) => t >= startMs && t < endMs).length;
  }
}

/** A place copies wait to be consumed: a queue, a topic subscription, or a log group. */
interface Source {
  /** `queue`, `topic/subscription` or `log#group`. */
  name: string;
  channel: string;
  maxDeliveries: number;
  consumers: Consumer[];
}

function sourcesOf(s: Scenario): Source[] {
  const out: Source[] = [];
  for (const ch of s.channels) {
    const on = (from: string) => s.consumers.filter((c) => c.from === from);
    if (ch.kind === 'topic')
      for (const sub of ch.subscriptions) {
        const name = `${ch.id}/${sub.id}`;
        out.push({
          name,
          channel: ch.id,
          maxDeliveries: sub.maxDeliveries ?? Infinity,
          consumers: on(name),
        });
      }
    else if (ch.kind === 'log') {
      const groups = new Map<string, Consumer[]>();
      for (const c of on(ch.id))
        groups.set(c.group ?? c.id, [...(groups.get(c.group ?? c.id) ?? []), c]);
      for (const [g, cs] of groups)
        out.push({ name: `${ch.id}#${g}`, channel: ch.id, maxDeliveries: Infinity, consumers: cs });
    } else
      out.push({
        name: ch.id,
        channel: ch.id,
        maxDeliveries: ch.kind === 'queue' ? (ch.maxDeliveries ?? Infinity) : 1,
        consumers: on(ch.id),
      });
  }
  return out;
}

/**
 * Expected deliveries per copy at a source: a poison copy fails every attempt (up to
 * maxDeliveries), another fails with probability failRate per attempt (geometric).
 */
function attemptsPerCopy(src: Source): number {
  if (src.consumers.length === 0) return 0;
  // Competing definitions share the copies: take the most failure-prone (an upper bound).
  let worst = 1;
  for (const c of src.consumers) {
    const d = src.maxDeliveries;
    const r = c.failRate;
    const healthy = r >= 1 ? d : (1 - r ** d) / (1 - r);
    const poisoned = c.poison > 0 ? c.poison * d : 0; // 0 × Infinity would be NaN
    worst = Math.max(worst, poisoned + (1 - c.poison) * healthy);
  }
  return worst;
}

/** Most deliveries the source's consumers can finish in `spanMs` (servers ÷ mean service). */
function capacity(src: Source, spanMs: number): number {
  let perMs = 0;
  for (const c of src.consumers) {
    const mean = compileDist(c.service).mean;
    perMs += mean > 0 ? (c.instances * c.concurrency) / mean : Infinity;
  }
  return perMs * spanMs;
}

/**
 * Expected scheduled events of a run, from below: every publish (producers' and consumers'
 * onward emits, which may feed each other in a cycle), each copy per subscription or group,
 * and each delivery attempt (redeliveries of failing and poison copies), capped by what the
 * consumers can process in the run's time.
 */
export function estimateEvents(s: Scenario): { messages: number; events: number } {
  const spanMs = s.duration ?? s.limits.maxSimTime;
  const sources = sourcesOf(s);
  const published = new Map<string, number>(s.channels.map((ch) => [ch.id, 0]));
  for (const p of s.producers)
    published.set(p.to, (published.get(p.to) ?? 0) + expectedMessages(p, s.duration));
  const attempts = new Map(sources.map((src) => [src.name, attemptsPerCopy(src)]));
  const deliveriesAt = () =>
    new Map(
      sources.map((src) => {
        const copies = published.get(src.channel) ?? 0;
        const n = copies * (attempts.get(src.name) ?? 0);
        const cap = capacity(src, spanMs);
        // Endless retries with zero service time: retry delays may pace them; count one each.
        return [src.name, n === Infinity && cap === Infinity ? copies : Math.min(n, cap)];
      }),
    );
  // Onward emits: publishes = the producers' + gain × publishes, solved by iteration. A chain
  // settles in as many rounds as it is deep; a cycle with gain below 1 converges; one that has
  // not settled after many rounds grows without bound (until capacity caps it).
  const fromProducers = new Map(published);
  const emitters = s.consumers.some((c) => c.emit.length > 0);
  let settled = !emitters;
  let deliveries = deliveriesAt();
  const emitRound = () => {
    const next = new Map(fromProducers);
    for (const src of sources) {
      const copies = published.get(src.channel) ?? 0;
      const processed = Math.min(copies, deliveries.get(src.name) ?? 0);
      const share = 1 / Math.max(1, src.consumers.length);
      for (const c of src.consumers)
        for (const e of c.emit)
          next.set(e.to, (next.get(e.to) ?? 0) + processed * share * e.probability);
    }
    settled = [...next].every(([k, v]) => Math.abs(v - (published.get(k) ?? 0)) <= 1e-9 * v);
    for (const [k, v] of next) published.set(k, v);
    deliveries = deliveriesAt();
  };
  for (let round = 0; !settled && round < 10_000; round++) emitRound();
  if (!settled) {
    // Still growing: as many as the consumers can process in the run's time (capacity).
    for (const [k, v] of published) if (v > (fromProducers.get(k) ?? 0)) published.set(k, Infinity);
    deliveries = deliveriesAt();
    emitRound();
  }
  let messages = 0;
  for (const v of published.values()) messages += v;
  let attemptsTotal = 0;
  for (const v of deliveries.values()) attemptsTotal += v;
  // The fewest scheduled events: a publish's arrival, and a delivery's processing; plus the
  // network hops (to the broker; to the consumer and the ack) when the network has latency.
  const hops = noLatency(s.network) ? 0 : 1;
  return { messages, events: messages * (1 + hops) + attemptsTotal * (1 + 2 * hops) };
}

/** Throws a BudgetExceededError up front when the run is bound to exceed maxEvents. */
export function checkEventBudget(s: Scenario): void {
  const { messages, events } = estimateEvents(s);
  if (events > s.limits.maxEvents) {
    const what = Number.isFinite(events)
      ? `roughly ${Math.round(events).toLocaleString('en-US')} events`
      : 'events without end';
    throw new BudgetExceededError(
      'maxEvents',
      `${s.limits.maxEvents} events`,
      `the run would publish about ${Number.isFinite(messages) ? Math.round(messages).toLocaleString('en-US') : 'unboundedly many'} messages (emits and redeliveries counted), ${what}`,
    );
  }
}
