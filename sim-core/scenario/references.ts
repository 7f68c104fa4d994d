// Whole-scenario rules the spec cannot express: unique ids, references between entities (with
// "did you mean") from scheduled faults and lesson fault actions too, log-only consumer fields,
// and times that must fall inside the run.
import { LOG_ONLY_CONSUMER_FIELDS } from './spec';
import type { Out, Seg } from './spec-nodes';
import { formatPath } from './paths';
import { isPlainObject, ownGet, show, type Problems } from './problems';

/**
 * What a reference can resolve to. Ids of entries that failed their own validation are
 * `unresolved`, and lists that are not lists are not `known`: references to them are not
 * reported again (the first problem explains them).
 */
interface Index {
  channels: Map<string, Out>;
  consumers: Map<string, Out>;
  producers: Map<string, Out>;
  unresolved: Set<string>;
  known: Set<string>;
  /** Consumer groups of log consumers, once consumers have been checked. */
  groups: Set<string>;
  /** Each topic's subscriptions as `topic/subscription`, made on first use. */
  subscriptionNames: Map<string, { list: string[]; set: Set<string> }>;
  /** broker.nodes, or null when it is not a valid count. */
  nodes: number | null;
}

const isObj = (v: unknown): v is Out => typeof v === 'object' && v !== null;
const isNum = (v: unknown): v is number => typeof v === 'number';
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const GROUPS = ['producers', 'channels', 'consumers'] as const;

/** Checks the cross-entity rules on the (possibly partial) normalized scenario s. */
export function checkReferences(s: Out, raw: unknown, p: Problems): void {
  checkTimes(s, p);
  const index = indexIds(s, raw, p);
  checkCluster(s, index, p);
  list(s.producers).forEach((producer, i) => {
    if (isObj(producer)) channelRef(producer.to, ['producers', i, 'to'], index, p);
  });
  list(s.channels).forEach((channel, i) => {
    if (isObj(channel)) checkChannel(channel, i, index, p);
  });
  if (index.known.has('channels')) checkExchangeCycles(s, index, p);
  list(s.consumers).forEach((consumer, i) => {
    if (isObj(consumer)) checkConsumer(consumer, i, raw, index, p);
    if (isObj(consumer) && typeof consumer.group === 'string') index.groups.add(consumer.group);
  });
  list(s.faults).forEach((fault, i) => {
    if (isObj(fault)) checkFault(fault, ['faults', i], s, index, p);
  });
  // A lesson's "try this" faults name their targets exactly like scheduled faults.
  const lesson = s.lesson;
  if (isObj(lesson)) {
    list(lesson.try).forEach((action, i) => {
      if (isObj(action) && isObj(action.fault)) {
        checkFault(action.fault, ['lesson', 'try', i, 'fault'], s, index, p);
      }
    });
    checkColourBy(lesson.colourBy, s, p);
  }
}

/** Replicas live on distinct nodes; in-flight limits count unconfirmed publishes. */
function checkCluster(s: Out, index: Index, p: Problems): void {
  const nodes = index.nodes;
  const atMostNodes = (v: unknown, at: Seg[]) => {
    if (nodes !== null && isNum(v) && v > nodes)
      p.add(at, `must be ≤ broker.nodes (${nodes}): each copy lives on its own node`);
  };
  list(s.channels).forEach((c, i) => {
    if (!isObj(c)) return;
    if (c.kind === 'queue') {
      if (c.type === 'classic' && isNum(c.replicas) && c.replicas !== 1)
        p.add(['channels', i, 'replicas'], 'a classic queue has one copy: use type: quorum');
      atMostNodes(c.replicas, ['channels', i, 'replicas']);
    }
    if (c.kind === 'log') {
      atMostNodes(c.replicationFactor, ['channels', i, 'replicationFactor']);
      if (isNum(c.minInsyncReplicas) && isNum(c.replicationFactor))
        if (c.minInsyncReplicas > c.replicationFactor)
          p.add(
            ['channels', i, 'minInsyncReplicas'],
            `must be ≤ replicationFactor (${c.replicationFactor})`,
          );
    }
  });
  list(s.producers).forEach((pr, i) => {
    const to = isObj(pr) && typeof pr.to === 'string' ? index.channels.get(pr.to) : undefined;
    if (isObj(pr) && pr.acks === 0 && pr.confirm !== null && to?.kind === 'log')
      p.add(
        ['producers', i, 'acks'],
        'acks: 0 asks for no confirm: drop confirm, or use acks 1 or all',
      );
    if (isObj(pr) && pr.idempotent === true && isNum(pr.maxInFlight) && pr.maxInFlight > 5)
      p.add(
        ['producers', i, 'maxInFlight'],
        'an idempotent producer keeps order only with maxInFlight ≤ 5 (Kafka refuses more)',
      );
    if (isObj(pr) && pr.maxInFlight !== null && pr.maxInFlight !== undefined && pr.confirm === null)
      p.add(
        ['producers', i, 'maxInFlight'],
        'needs confirm: without confirms nothing tells the producer a publish has landed',
      );
  });
}

/** Dots coloured by a message field need producers that set it, or every dot looks the same. */
function checkColourBy(colourBy: unknown, s: Out, p: Problems): void {
  if (colourBy !== 'routingKey' && colourBy !== 'priority') return;
  const setBy = list(s.producers).filter((x) => isObj(x) && isObj(x[colourBy]));
  if (setBy.length === 0)
    p.add(['lesson', 'colourBy'], `no producer sets a ${colourBy} to colour messages by`);
}

function checkTimes(s: Out, p: Problems): void {
  const { duration, warmup, limits } = s;
  if (duration === null && s.until === 'time') {
    p.add(['duration'], 'is required (or set until: drained to run until idle)');
  }
  if (!isNum(duration)) return;
  if (isNum(warmup) && warmup >= duration) {
    p.add(['warmup'], `must be less than duration (${duration} ms)`);
  }
  const maxSimTime = isObj(limits) ? limits.maxSimTime : undefined;
  if (isNum(maxSimTime) && duration > maxSimTime) {
    p.add(['duration'], `must be ≤ limits.maxSimTime (${maxSimTime} ms)`);
  }
}

/** Reports duplicate ids and builds the id index (the first use of an id wins). */
function indexIds(s: Out, raw: unknown, p: Problems): Index {
  const index: Index = {
    channels: new Map(),
    consumers: new Map(),
    producers: new Map(),
    unresolved: new Set(),
    known: new Set(GROUPS.filter((group) => Array.isArray(s[group]))),
    groups: new Set(),
    subscriptionNames: new Map(),
    nodes: isObj(s.broker) && isNum(s.broker.nodes) ? s.broker.nodes : null,
  };
  const seen = new Map<string, Seg[]>();
  for (const group of GROUPS) {
    const rawList = isPlainObject(raw) ? list(ownGet(raw, group)) : [];
    list(s[group]).forEach((entry, i) => {
      const valid = isObj(entry) && typeof entry.id === 'string';
      const id = valid ? entry.id : rawId(rawList[i]);
      if (typeof id !== 'string') return;
      const at = [group, i, 'id'];
      const first = seen.get(id);
      if (first) p.add(at, `duplicate id ${show(id)} (also used at ${formatPath(first)})`);
      else seen.set(id, at);
      if (valid && !first) index[group].set(id, entry);
      if (!valid) index.unresolved.add(id);
    });
  }
  list(s.consumers).forEach((c, i) => {
    if (isObj(c) && c.id === 'broker') {
      p.add(['consumers', i, 'id'], '"broker" is reserved: faults use it for the broker');
    }
  });
  return index;
}

function rawId(entry: unknown): unknown {
  return isPlainObject(entry) ? ownGet(entry, 'id') : undefined;
}

/** Resolves a channel id that producers, emit and deadLetter use; reports what is wrong. */
function channelRef(value: unknown, at: Seg[], index: Index, p: Problems): Out | undefined {
  if (typeof value !== 'string' || index.unresolved.has(value)) return undefined;
  if (!index.known.has('channels')) return undefined;
  const channel = index.channels.get(value);
  if (channel) return channel;
  const slash = value.indexOf('/');
  if (slash > 0 && index.channels.get(value.slice(0, slash))?.kind === 'topic') {
    p.add(at, `must name a channel, not a subscription: use "${value.slice(0, slash)}"`);
  } else {
    p.add(at, `unknown channel ${show(value)}${p.hint(value, index.channels.keys())}`);
  }
  return undefined;
}

/** A topic pattern: `.`-separated words, none empty (`a..b`, a leading or trailing dot). */
function checkPattern(pattern: unknown, at: Seg[], p: Problems): void {
  if (typeof pattern !== 'string' || pattern === '') return;
  if (pattern.split('.').some((w) => w === ''))
    p.add(at, `${show(pattern)} has an empty word: words are separated by single dots`);
}

function checkExchange(x: Out, i: number, index: Index, p: Problems): void {
  const at = (...more: Seg[]): Seg[] => ['channels', i, ...more];
  list(x.bindings).forEach((b, j) => {
    if (!isObj(b)) return;
    const here = (field: string) => at('bindings', j, field);
    const target = channelRef(b.to, here('to'), index, p);
    if (target?.kind === 'direct')
      p.add(
        here('to'),
        `cannot bind direct channel ${show(b.to)}: bind a queue, topic, log or exchange`,
      );
    if (x.type === 'direct' || x.type === 'topic') {
      if (b.key === null) p.add(here('key'), `is required by a ${String(x.type)} exchange`);
      if (x.type === 'topic') checkPattern(b.key, here('key'), p);
      if (b.headers !== null)
        p.add(here('headers'), `only for a headers exchange (this one is ${String(x.type)})`);
    } else if (x.type === 'fanout') {
      if (b.key !== null) p.add(here('key'), 'a fanout exchange ignores keys: remove it');
      if (b.headers !== null)
        p.add(here('headers'), 'only for a headers exchange (this one is fanout)');
    } else {
      if (b.headers === null) p.add(here('headers'), 'is required by a headers exchange');
      if (b.key !== null)
        p.add(here('key'), 'a headers exchange matches headers, not keys: remove it');
    }
  });
  if (x.alternate !== null) {
    const alt = channelRef(x.alternate, at('alternate'), index, p);
    if (alt?.kind === 'direct') p.add(at('alternate'), 'must be a queue, topic, log or exchange');
    else if (x.alternate === x.id) p.add(at('alternate'), 'cannot be the exchange itself');
  }
}

/** Exchanges that route into themselves through bindings or alternates: every cycle, once. */
function checkExchangeCycles(s: Out, index: Index, p: Problems): void {
  const next = (x: Out): string[] =>
    [...list(x.bindings).map((b) => (isObj(b) ? b.to : null)), x.alternate].filter(
      (to): to is string => typeof to === 'string' && index.channels.get(to)?.kind === 'exchange',
    );
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      const cycle = [...path.slice(path.indexOf(id)), id].join(' → ');
      const at = list(s.channels).findIndex((c) => isObj(c) && c.id === id);
      p.add(['channels', at], `exchange cycle: ${cycle} (a message would be routed for ever)`);
      return;
    }
    state.set(id, 'open');
    for (const to of next(index.channels.get(id)!)) visit(to, [...path, id]);
    state.set(id, 'done');
  };
  for (const [id, ch] of index.channels) if (ch.kind === 'exchange') visit(id, []);
}

function checkChannel(channel: Out, i: number, index: Index, p: Problems): void {
  if (channel.kind === 'exchange') return checkExchange(channel, i, index, p);
  if (channel.kind === 'queue') {
    checkDeadLetter(channel.deadLetter, ['channels', i, 'deadLetter'], channel.id, index, p);
    checkDeadLetterKey(channel, ['channels', i], p);
  }
  if (channel.kind !== 'topic') return;
  const seen = new Map<string, number>();
  list(channel.subscriptions).forEach((sub, j) => {
    if (!isObj(sub)) return;
    const at: Seg[] = ['channels', i, 'subscriptions', j];
    if (typeof sub.id === 'string') {
      const first = seen.get(sub.id);
      if (first !== undefined) {
        const where = formatPath(['channels', i, 'subscriptions', first, 'id']);
        p.add([...at, 'id'], `duplicate subscription id ${show(sub.id)} (also used at ${where})`);
      } else seen.set(sub.id, j);
    }
    checkDeadLetter(sub.deadLetter, [...at, 'deadLetter'], channel.id, index, p);
    checkDeadLetterKey(sub, at, p);
    if (isObj(sub.filter)) {
      checkPattern(sub.filter.key, [...at, 'filter', 'key'], p);
      if (sub.filter.key === null && sub.filter.headers === null)
        p.add([...at, 'filter'], 'needs a key pattern or headers (or remove it: all messages)');
    }
  });
}

/** A dead-letter routing key needs somewhere to route dead letters to. */
function checkDeadLetterKey(options: Out, at: Seg[], p: Problems): void {
  if (options.deadLetterKey != null && options.deadLetter === null)
    p.add([...at, 'deadLetterKey'], 'needs a deadLetter to route the dead letters to');
}

function checkDeadLetter(target: unknown, at: Seg[], self: unknown, index: Index, p: Problems) {
  if (target === null) return;
  const channel = channelRef(target, at, index, p);
  if (!channel) return;
  if (channel.kind === 'direct') {
    p.add(at, `cannot dead-letter into direct channel ${show(target)}: use a queue, topic or log`);
  } else if (target === self) {
    p.add(at, 'cannot dead-letter into its own channel');
  }
}

/** Resolves a consumer's `from`; returns the channel kind it reads, or undefined. */
function resolveFrom(from: unknown, at: Seg[], index: Index, p: Problems): string | undefined {
  if (typeof from !== 'string' || !index.known.has('channels')) return undefined;
  const slash = from.indexOf('/');
  const channelId = slash < 0 ? from : from.slice(0, slash);
  if (index.unresolved.has(channelId)) return undefined;
  const channel = index.channels.get(channelId);
  if (!channel) {
    p.add(at, `unknown channel ${show(channelId)}${p.hint(from, sources(index))}`);
    return undefined;
  }
  const names = subscriptionNames(index, channelId, channel);
  if (slash < 0 && channel.kind === 'topic') {
    const example =
      names.list.length > 0 ? `, e.g. "${names.list[0]}"` : ` (add one to channel "${from}")`;
    p.add(at, `"${from}" is a topic: consume from one of its subscriptions${example}`);
    return undefined;
  }
  if (slash < 0 && channel.kind === 'exchange') {
    p.add(at, `"${from}" is an exchange: consume from a queue bound to it`);
    return undefined;
  }
  if (slash < 0) return String(channel.kind);
  if (channel.kind !== 'topic') {
    p.add(at, `"${channelId}" is a ${String(channel.kind)}, not a topic: use "${channelId}"`);
    return undefined;
  }
  if (names.set.has(from)) return 'subscription';
  const hint = p.hint(from, names.list);
  p.add(at, `unknown subscription ${show(from.slice(slash + 1))} of topic "${channelId}"${hint}`);
  return undefined;
}

/** A channel's subscriptions by full name, once per validation (consumers look them up). */
function subscriptionNames(
  index: Index,
  channelId: string,
  channel: Out,
): { list: string[]; set: Set<string> } {
  let names = index.subscriptionNames.get(channelId);
  if (!names) {
    const all = list(channel.subscriptions)
      .filter(isObj)
      .map((sub) => `${channelId}/${String(sub.id)}`);
    names = { list: all, set: new Set(all) };
    index.subscriptionNames.set(channelId, names);
  }
  return names;
}

function sources(index: Index): string[] {
  const names: string[] = [];
  for (const [id, channel] of index.channels) {
    if (channel.kind !== 'topic') {
      names.push(id);
      continue;
    }
    for (const sub of list(channel.subscriptions).filter(isObj)) {
      names.push(`${id}/${String(sub.id)}`);
    }
  }
  return names;
}

function checkConsumer(c: Out, i: number, raw: unknown, index: Index, p: Problems): void {
  const at = (field: Seg, ...more: Seg[]): Seg[] => ['consumers', i, field, ...more];
  const kind = resolveFrom(c.from, at('from'), index, p);
  if (kind === 'log' || kind === undefined) {
    // Unresolved `from` (already reported): assume a log, so resetOffsets does not cascade.
    if (c.group === undefined || c.group === null) c.group = c.id;
  } else {
    if (typeof c.group === 'string') {
      p.add(at('group'), `only for log consumers (${show(c.from)} is a ${kind})`);
    }
    c.group = null;
  }
  const rawConsumer = isPlainObject(raw) ? list(ownGet(raw, 'consumers'))[i] : undefined;
  if (kind !== undefined && kind !== 'log' && isPlainObject(rawConsumer)) {
    for (const field of LOG_ONLY_CONSUMER_FIELDS) {
      if (ownGet(rawConsumer, field) !== undefined) {
        p.add(at(field), `only for log consumers (${show(c.from)} is a ${kind})`);
      }
    }
  }
  list(c.emit).forEach((e, j) => {
    if (isObj(e)) channelRef(e.to, at('emit', j, 'to'), index, p);
  });
}

/** A scheduled fault (or a lesson's fault action, which has no `at`) at path `where`. */
function checkFault(f: Out, where: Seg[], s: Out, index: Index, p: Problems): void {
  const at = (...more: Seg[]): Seg[] => [...where, ...more];
  if (isNum(f.at) && isNum(s.duration) && f.at >= s.duration) {
    p.add(at('at'), `must be before the end of the run (duration ${s.duration} ms)`);
  }
  if ('crash' in f && !brokerNode(f.crash, at('crash'), index, p))
    target(f.crash, at('crash'), index, p, { broker: true, producers: false });
  if ('slow' in f) target(f.slow, at('slow'), index, p, { broker: false, producers: false });
  if ('freeze' in f) target(f.freeze, at('freeze'), index, p, { broker: false, producers: false });
  if ('partition' in f) {
    list(f.partition).forEach((t, j) => {
      if (brokerNode(t, at('partition', j), index, p)) return;
      target(t, at('partition', j), index, p, { broker: false, producers: true });
    });
  }
  if ('resetOffsets' in f && typeof f.resetOffsets === 'string') {
    checkGroup(f.resetOffsets, at('resetOffsets'), index, p);
  }
}

/** Whether value names a broker node ("broker#2"); reports one that does not exist. */
function brokerNode(value: unknown, at: Seg[], index: Index, p: Problems): boolean {
  if (typeof value !== 'string' || !value.startsWith('broker#')) return false;
  const k = value.slice('broker#'.length);
  const n = index.nodes;
  if (n !== null && !(/^[1-9][0-9]*$/.test(k) && Number(k) <= n)) {
    const range = n === 1 ? 'broker#1' : `broker#1 to broker#${n}`;
    p.add(at, `no node ${show(value)}: the broker has ${n} node${n === 1 ? '' : 's'} (${range})`);
  }
  return true;
}

interface Allowed {
  broker: boolean;
  producers: boolean;
}

/** A fault target: "broker", a consumer id, an instance id "consumer#k", or a producer id. */
function target(value: unknown, at: Seg[], index: Index, p: Problems, allowed: Allowed): void {
  if (typeof value !== 'string' || (allowed.broker && value === 'broker')) return;
  if (value === 'broker' && !index.consumers.has('broker')) {
    p.add(at, 'the broker can only crash: name a consumer or an instance here');
    return;
  }
  if (!index.known.has('consumers') || (allowed.producers && !index.known.has('producers'))) return;
  const hash = value.lastIndexOf('#');
  const id = hash < 0 ? value : value.slice(0, hash);
  if (index.unresolved.has(id)) return;
  const consumer = index.consumers.get(id);
  if (consumer && hash >= 0) {
    const k = value.slice(hash + 1);
    const n = consumer.instances;
    if (isNum(n) && !(/^[1-9][0-9]*$/.test(k) && Number(k) <= n)) {
      const range = n === 1 ? `${id}#1` : `${id}#1 to ${id}#${n}`;
      p.add(
        at,
        `no instance ${show(value)}: "${id}" has ${n} instance${n === 1 ? '' : 's'} (${range})`,
      );
    }
    return;
  }
  if (consumer || (allowed.producers && hash < 0 && index.producers.has(id))) return;
  const what = allowed.producers ? 'consumer or producer' : 'consumer';
  if (hash < 0 && (index.producers.has(id) || index.channels.has(id))) {
    const is = index.producers.has(id) ? 'a producer' : 'a channel';
    p.add(at, `${show(value)} is ${is}, not a ${what}${allowed.broker ? ' (or "broker")' : ''}`);
    return;
  }
  const candidates = [...index.consumers.keys()];
  if (allowed.producers) candidates.push(...index.producers.keys());
  if (allowed.broker) candidates.push('broker');
  p.add(at, `unknown ${what} ${show(id)}${p.hint(id, candidates)}`);
}

function checkGroup(group: string, at: Seg[], index: Index, p: Problems): void {
  const { groups } = index;
  if (!index.known.has('consumers') || groups.has(group)) return;
  if (index.consumers.has(group)) {
    p.add(at, `consumer ${show(group)} does not read a log: only log consumer groups have offsets`);
  } else if (groups.size === 0) {
    p.add(at, `unknown consumer group ${show(group)} (no consumer reads from a log)`);
  } else {
    p.add(at, `unknown consumer group ${show(group)}${p.hint(group, groups)}`);
  }
}
