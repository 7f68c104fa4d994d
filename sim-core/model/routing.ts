// Content-based routing: exchanges (direct, topic, fanout, headers) with bindings to queues,
// topics, logs and other exchanges, an alternate for unmatched messages, and topic subscription
// filters. A message's routing label (its routing key and headers) comes from a finite set known
// before the run, so each (channel, label) is routed once and the answer kept: the hot path
// looks a route up, it never matches patterns.

import type {
  Binding,
  Channel,
  Headers,
  LabelDist,
  Scenario,
  SubscriptionFilter,
} from '../scenario/types';
import { WeightedPick } from '../random';
import type { Rng } from '../random';

/** Where a message published to a channel goes: internal queues and logs, each at most once. */
export interface Route {
  queues: Int32Array;
  logs: Int32Array;
}

/** A routing key and headers, interned: messages carry the label's index. */
export interface Label {
  key: string;
  headers: Headers | null;
}

const NO_ROUTE: Route = { queues: new Int32Array(0), logs: new Int32Array(0) };

/**
 * Whether a topic binding pattern matches a routing key: words are `.`-separated, `*` is exactly
 * one word, `#` zero or more (RabbitMQ's topic exchange).
 */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key === '' ? [] : key.split('.');
  // reach[j]: the first i pattern words can match the first j key words.
  let reach = new Uint8Array(k.length + 1);
  reach[0] = 1;
  for (const word of p) {
    const next = new Uint8Array(k.length + 1);
    for (let j = 0; j <= k.length; j++) {
      if (word === '#') {
        // `#` takes zero words (from reach[j]) or one more word than before (next[j - 1]).
        next[j] = reach[j] || (j > 0 && next[j - 1]) ? 1 : 0;
      } else if (j > 0 && reach[j - 1] && (word === '*' || word === k[j - 1])) next[j] = 1;
    }
    reach = next;
  }
  return reach[k.length] === 1;
}

/** A headers binding: every (all) or some (any) of its headers equal the message's. */
function headersMatch(wanted: Headers, match: 'all' | 'any', headers: Headers | null): boolean {
  const entries = Object.entries(wanted);
  const has = ([name, value]: [string, unknown]) =>
    headers !== null && Object.hasOwn(headers, name) && headers[name] === value;
  return match === 'all' ? entries.every(has) : entries.some(has);
}

/** A subscription filter: the key matches its pattern, and each header is one of its values. */
function filterMatches(filter: SubscriptionFilter, label: Label): boolean {
  if (filter.key !== null && !topicMatches(filter.key, label.key)) return false;
  if (filter.headers === null) return true;
  return Object.entries(filter.headers).every(([name, allowed]) => {
    if (label.headers === null || !Object.hasOwn(label.headers, name)) return false;
    const value = label.headers[name];
    return Array.isArray(allowed) ? allowed.includes(value) : allowed === value;
  });
}

function bindingMatches(type: string, b: Binding, label: Label): boolean {
  switch (type) {
    case 'fanout':
      return true;
    case 'direct':
      return b.key === label.key;
    case 'topic':
      return b.key !== null && topicMatches(b.key, label.key);
    default:
      return b.headers !== null && headersMatch(b.headers, b.match, label.headers);
  }
}

/** Whether publishes to this channel depend on the message's label. */
export function routesByLabel(ch: Channel): boolean {
  return ch.kind === 'exchange' || (ch.kind === 'topic' && ch.subscriptions.some((s) => s.filter));
}

export class Router {
  readonly labels: Label[] = [];
  private readonly labelIndex = new Map<string, number>();
  /** routes[channel][label], made on first use. */
  private readonly routes: Array<Array<Route | undefined>>;

  constructor(
    private readonly scenario: Scenario,
    private readonly channelIndex: Map<string, number>,
    /** The internal queues of each channel (queue: one; topic: one per subscription). */
    private readonly channelQueues: number[][],
    /** Log index per channel, or −1. */
    private readonly logOfChannel: number[],
  ) {
    this.routes = scenario.channels.map(() => []);
  }

  /** The index of a label, interning it on first sight. */
  intern(key: string, headers: Headers | null): number {
    const id = JSON.stringify([key, headers]);
    let i = this.labelIndex.get(id);
    if (i === undefined) {
      i = this.labels.length;
      this.labels.push({ key, headers });
      this.labelIndex.set(id, i);
    }
    return i;
  }

  /** Where a message with this label published to this channel goes; empty: unroutable. */
  route(channel: number, label: number): Route {
    const byLabel = this.routes[channel];
    let r = byLabel[label];
    if (r === undefined) {
      const queues = new Set<number>();
      const logs = new Set<number>();
      this.collect(channel, this.labels[label], queues, logs, new Set());
      r =
        queues.size + logs.size === 0
          ? NO_ROUTE
          : { queues: Int32Array.from(queues), logs: Int32Array.from(logs) };
      byLabel[label] = r;
    }
    return r;
  }

  /** Adds the destinations of (channel, label). */
  private collect(
    channel: number,
    label: Label,
    queues: Set<number>,
    logs: Set<number>,
    seen: Set<number>,
  ): void {
    if (seen.has(channel)) return; // validation refuses exchange cycles; a diamond is fine
    seen.add(channel);
    const ch = this.scenario.channels[channel];
    if (ch.kind === 'exchange') {
      let matched = false;
      for (const b of ch.bindings) {
        if (!bindingMatches(ch.type, b, label)) continue;
        matched = true;
        this.collect(this.channelIndex.get(b.to)!, label, queues, logs, new Set(seen));
      }
      if (!matched && ch.alternate !== null)
        this.collect(this.channelIndex.get(ch.alternate)!, label, queues, logs, new Set(seen));
    } else if (ch.kind === 'topic') {
      const targets = this.channelQueues[channel];
      ch.subscriptions.forEach((sub, i) => {
        if (sub.filter === null || filterMatches(sub.filter, label)) queues.add(targets[i]);
      });
    } else if (ch.kind === 'log') logs.add(this.logOfChannel[channel]);
    else for (const q of this.channelQueues[channel]) queues.add(q);
  }
}

/** The values of a label distribution and how to pick one (null: a constant, no draw). */
function compileLabel<T>(d: LabelDist<T>): { values: T[]; pick: WeightedPick | null } {
  return d.kind === 'constant'
    ? { values: [d.value], pick: null }
    : { values: d.values, pick: new WeightedPick(d.values.length, d.weights) };
}

/** A producer's routing label per message: its routing key and headers, drawn if they vary. */
export class LabelPicker {
  private readonly keyPick: WeightedPick | null;
  private readonly headerPick: WeightedPick | null;
  private readonly headerCount: number;
  /** Label id of (key index, headers index), row-major. */
  private readonly ids: Int32Array;

  constructor(
    router: Router,
    routingKey: LabelDist<string> | null,
    defaultKey: string,
    headers: LabelDist<Headers> | null,
  ) {
    const k = compileLabel(routingKey ?? { kind: 'constant', value: defaultKey });
    const h = compileLabel<Headers | null>(headers ?? { kind: 'constant', value: null });
    this.keyPick = k.pick;
    this.headerPick = h.pick;
    this.headerCount = h.values.length;
    this.ids = new Int32Array(k.values.length * h.values.length);
    k.values.forEach((key, i) =>
      h.values.forEach((hd, j) => (this.ids[i * this.headerCount + j] = router.intern(key, hd))),
    );
  }

  /** The next message's label; draws only what varies (each from its own stream). */
  next(rngKey: Rng, rngHeaders: Rng): number {
    const i = this.keyPick === null ? 0 : this.keyPick.pick(rngKey);
    const j = this.headerPick === null ? 0 : this.headerPick.pick(rngHeaders);
    return this.ids[i * this.headerCount + j];
  }
}
