// Automatic layout of the topology in columns: producers → channels → consumers, chains and
// dead-letter channels continuing to the right. Within a column nodes are ordered by the mean
// position of what feeds them (one barycentre pass), which keeps edges from crossing in the
// shapes scenarios have; sizes shrink to fit the canvas.

import type { TopologyModel } from '../shared/protocol';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type NodeKind = 'producer' | 'channel' | 'consumer';

export interface Layout {
  width: number;
  height: number;
  producers: Box[];
  channels: Box[];
  /** Per internal queue: its tube inside the channel box (topic subscription, log group lane). */
  queues: Box[];
  consumers: Box[];
  instances: Box[];
  /** Log partitions, flattened per group (matches NodeState.partitionOwner). */
  partitions: Box[];
  /** Height of the consumer cards' line of numbers (0: they share the header line). */
  consumerFooter: number;
  /** The broker frame around the channels. */
  broker: Box;
  edges: Array<{
    from: Box;
    to: Box;
    kind: 'publish' | 'deliver' | 'deadLetter' | 'emit' | 'bind';
    /** A binding's key or headers, drawn on the edge. */
    label?: string;
  }>;
}

const PAD = 16;
const NODE_W = 150;
const PRODUCER_H = 44;
const HEADER = 22;
const TUBE_H = 42;
const INSTANCE_H = 34;
const LANE_H = 14;
const GAP = 14;
/** Room for a log group's name above its partition lanes. */
const GROUP_LABEL = 13;

/** An exchange's box: its name, type and routed/unroutable counts, no tubes. */
const EXCHANGE_H = 52;
/** A consumer card's line of numbers under its instances (processed, duplicates, order). */
export const CONSUMER_FOOTER = 15;

function channelHeight(m: TopologyModel, c: number): number {
  const ch = m.channels[c];
  if (ch.kind === 'exchange') return EXCHANGE_H;
  if (ch.kind === 'log') {
    const lanes = Math.min(ch.partitions, 12);
    return HEADER + ch.queues.length * (GROUP_LABEL + lanes * LANE_H + 8) + 6;
  }
  return HEADER + Math.max(1, ch.queues.length) * (TUBE_H + 4) + 4;
}

function consumerHeight(m: TopologyModel, c: number): number {
  return HEADER + m.consumers[c].instances.length * (INSTANCE_H + 4) + 2;
}

export function layoutTopology(m: TopologyModel, width: number, height: number): Layout {
  // Columns: longest path from a producer.
  const chCol = m.channels.map(() => 1);
  const coCol = m.consumers.map(() => 2);
  for (let pass = 0; pass < m.channels.length + m.consumers.length + 1; pass++) {
    let changed = false;
    const raise = (arr: number[], i: number, v: number) => {
      if (v > arr[i] && v < 64) {
        arr[i] = v;
        changed = true;
      }
    };
    m.consumers.forEach((c, ci) => {
      const ch = m.queues[c.queue]?.channel ?? -1;
      if (ch >= 0) raise(coCol, ci, chCol[ch] + 1);
      for (const e of c.emits) raise(chCol, e, coCol[ci] + 1);
    });
    m.channels.forEach((ch, ci) => {
      for (const d of ch.deadLetter) if (d >= 0) raise(chCol, d, chCol[ci] + 1);
      // An exchange stands left of what it routes to.
      for (const b of ch.bindings) if (b.to >= 0) raise(chCol, b.to, chCol[ci] + 1);
      if (ch.alternate >= 0) raise(chCol, ch.alternate, chCol[ci] + 1);
    });
    if (!changed) break;
  }
  const columns = Math.max(2, ...chCol, ...coCol) + 1;
  type Item = { kind: NodeKind; index: number; h: number; y: number };
  const cols: Item[][] = Array.from({ length: columns }, () => []);
  m.producers.forEach((_, i) => cols[0].push({ kind: 'producer', index: i, h: PRODUCER_H, y: 0 }));
  m.channels.forEach((_, i) =>
    cols[chCol[i]].push({ kind: 'channel', index: i, h: channelHeight(m, i), y: 0 }),
  );
  m.consumers.forEach((_, i) =>
    cols[coCol[i]].push({ kind: 'consumer', index: i, h: consumerHeight(m, i), y: 0 }),
  );
  const used = cols.filter((c) => c.length > 0);
  const colW = (width - 2 * PAD) / used.length;
  const nodeW = Math.max(90, Math.min(NODE_W + 90, colW - 56));
  // Small topologies grow to use the stage; large ones shrink to fit it. Headers keep their
  // size (their text does not shrink); only the contents scale.
  const fixed = (it: Item) =>
    it.kind === 'producer'
      ? 0
      : it.kind === 'channel' && m.channels[it.index].kind === 'exchange'
        ? EXCHANGE_H
        : HEADER;
  const scaleWith = (footer: number) =>
    Math.min(
      1.6,
      ...used.map((c) => {
        const rigid =
          c.reduce((s, it) => s + fixed(it) + (it.kind === 'consumer' ? footer : 0), 0) +
          GAP * (c.length - 1);
        const flexible = c.reduce((s, it) => s + it.h - fixed(it), 0);
        return flexible > 0 ? (height - 2 * PAD - 20 - rigid) / flexible : Infinity;
      }),
    );
  // A consumer's numbers get a line of their own unless it would squash the instances; then
  // they share the card's header line.
  let consumerFooter = CONSUMER_FOOTER;
  let scale = scaleWith(consumerFooter);
  if (scale < 0.7) {
    consumerFooter = 0;
    scale = scaleWith(0);
  }
  const heightOf = (it: Item) =>
    fixed(it) + (it.h - fixed(it)) * scale + (it.kind === 'consumer' ? consumerFooter : 0);
  const placed = new Map<string, Box>();
  const key = (k: NodeKind, i: number) => `${k}:${i}`;
  const sourceY = (it: Item): number => {
    const ys: number[] = [];
    if (it.kind === 'channel') {
      m.producers.forEach(
        (p, pi) => p.channel === it.index && ys.push(cy(placed.get(key('producer', pi)))),
      );
      m.consumers.forEach(
        (c, ci) => c.emits.includes(it.index) && ys.push(cy(placed.get(key('consumer', ci)))),
      );
      m.channels.forEach(
        (c, ci) =>
          (c.deadLetter.includes(it.index) ||
            c.alternate === it.index ||
            c.bindings.some((b) => b.to === it.index)) &&
          ys.push(cy(placed.get(key('channel', ci)))),
      );
    } else if (it.kind === 'consumer') {
      const ch = m.queues[m.consumers[it.index].queue]?.channel ?? -1;
      if (ch >= 0) ys.push(cy(placed.get(key('channel', ch))));
    }
    const known = ys.filter((y) => Number.isFinite(y));
    return known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : Infinity;
  };
  used.forEach((col, ci) => {
    if (ci > 0) {
      col.forEach((it, k) => (it.y = sourceY(it) + k * 1e-6));
      col.sort((a, b) => a.y - b.y);
    }
    const total = col.reduce((s, it) => s + heightOf(it), 0) + GAP * (col.length - 1);
    let y = Math.max(PAD + 14, (height - total) / 2);
    const x = PAD + ci * colW + (colW - nodeW) / 2;
    for (const it of col) {
      placed.set(key(it.kind, it.index), { x, y, w: nodeW, h: heightOf(it) });
      y += heightOf(it) + GAP;
    }
  });
  const get = (k: NodeKind, i: number) => placed.get(key(k, i))!;
  const producers = m.producers.map((_, i) => get('producer', i));
  const channels = m.channels.map((_, i) => get('channel', i));
  const consumers = m.consumers.map((_, i) => get('consumer', i));
  const queues: Box[] = m.queues.map(() => ({ x: 0, y: 0, w: 0, h: 0 }));
  const partitions: Box[] = [];
  m.channels.forEach((ch, ci) => {
    const b = channels[ci];
    const inner = (b.h - HEADER) / Math.max(1, ch.queues.length);
    const label = ch.kind === 'log' ? GROUP_LABEL * scale : 0;
    ch.queues.forEach((q, k) => {
      const y = b.y + HEADER + k * inner + 2 + label;
      queues[q] = { x: b.x + 6, y, w: b.w - 12, h: inner - 4 - label };
    });
  });
  for (const g of m.groups) {
    const tube = queues[g.target];
    const lanes = Math.min(g.partitions, 12);
    const laneH = tube.h / lanes;
    for (let p = 0; p < g.partitions; p++) {
      const lane = Math.min(p, lanes - 1); // past 12 lanes, the last one stands for the rest
      partitions.push({ x: tube.x, y: tube.y + lane * laneH, w: tube.w, h: laneH - 1 });
    }
  }
  const instances: Box[] = m.instances.map(() => ({ x: 0, y: 0, w: 0, h: 0 }));
  m.consumers.forEach((c, ci) => {
    const b = consumers[ci];
    const each = (b.h - HEADER - consumerFooter) / Math.max(1, c.instances.length);
    c.instances.forEach((inst, k) => {
      instances[inst] = {
        x: b.x + 6,
        y: b.y + HEADER + k * each + 1,
        w: b.w - 12,
        h: each - 4,
      };
    });
  });
  const edges: Layout['edges'] = [];
  m.producers.forEach((p, i) =>
    edges.push({ from: producers[i], to: channels[p.channel], kind: 'publish' }),
  );
  m.consumers.forEach((c, ci) => {
    const from = queues[c.queue] ?? channels[0];
    if (c.queue >= 0) edges.push({ from, to: consumers[ci], kind: 'deliver' });
    for (const e of c.emits) edges.push({ from: consumers[ci], to: channels[e], kind: 'emit' });
  });
  m.channels.forEach((ch) =>
    ch.deadLetter.forEach((d, k) => {
      if (d >= 0) edges.push({ from: queues[ch.queues[k]], to: channels[d], kind: 'deadLetter' });
    }),
  );
  m.channels.forEach((ch, ci) => {
    for (const b of ch.bindings)
      if (b.to >= 0)
        edges.push({ from: channels[ci], to: channels[b.to], kind: 'bind', label: b.label });
    if (ch.alternate >= 0)
      edges.push({
        from: channels[ci],
        to: channels[ch.alternate],
        kind: 'bind',
        label: 'alternate',
      });
  });
  const chBoxes = channels.length > 0 ? channels : [{ x: width / 2, y: height / 2, w: 0, h: 0 }];
  const bx0 = Math.min(...chBoxes.map((b) => b.x)) - 8;
  const by0 = Math.min(...chBoxes.map((b) => b.y)) - 20;
  const bx1 = Math.max(...chBoxes.map((b) => b.x + b.w)) + 8;
  const by1 = Math.max(...chBoxes.map((b) => b.y + b.h)) + 8;
  return {
    width,
    height,
    producers,
    channels,
    queues,
    consumers,
    instances,
    partitions,
    consumerFooter,
    broker: { x: bx0, y: by0, w: bx1 - bx0, h: by1 - by0 },
    edges,
  };
}

function cy(b: Box | undefined): number {
  return b ? b.y + b.h / 2 : NaN;
}
