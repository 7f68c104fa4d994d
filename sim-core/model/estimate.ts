// A cheap upper-bound estimate of a run's size before it starts, so a scenario that would blow
// its event budget fails in milliseconds with a clear message instead of after minutes.

import type { Producer, Rate, Scenario } from '../scenario/types';
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

/** Throws a BudgetExceededError up front when the run is bound to exceed maxEvents. */
export function checkEventBudget(s: Scenario): void {
  const messages = s.producers.reduce((sum, p) => sum + expectedMessages(p, s.duration), 0);
  // The fewest scheduled events a message costs: its arrival and its processing, plus three
  // network hops (to the broker, to the consumer, the ack) when the network has latency.
  const lat = s.network.latency;
  const perMessage = lat.kind === 'constant' && lat.value === 0 ? 2 : 5;
  const events = messages * perMessage;
  if (events > s.limits.maxEvents) {
    throw new BudgetExceededError(
      'maxEvents',
      `${s.limits.maxEvents} events`,
      `the producers would publish about ${Math.round(messages).toLocaleString('en-US')} messages, roughly ${Math.round(events).toLocaleString('en-US')} events`,
    );
  }
}
