// Automatic layout of the topology in columns: producers → channels → consumers, chains and
// dead-letter channels continuing to the right (columns from layers.ts). Each column is as wide
// as its names need when the stage has room (else all shrink alike and names wrap); within a
// column nodes are ordered by the mean position of what feeds them (one barycentre pass), and
// heights scale to fit the stage. A consumer whose instance cards would be too small to read
// shows them as a grid of small cells under a one-line summary instead.

import type { TopologyModel } from '../shared/protocol';
import { assignLayers } from './layers';
import { fitEdgeLabel, fitTitle, titleLines, type Measure, type Title } from './titles';

export type { Measure } from './titles';

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
  /** Each node's name as it fits its card. */
  titles: { producers: Title[]; channels: Title[]; consumers: Title[] };
  /** Per consumer: its instances as a grid of cells under a summary line (too many for cards). */
  instanceGrid: boolean[];
  /** Per consumer: its numbers share the title's line, right of the name (a crowded stage). */
  numbersInHeader: boolean[];
  /** The broker's bar above the channels. */
  broker: Box;
  edges: Array<{
    from: Box;
    to: Box;
    kind: 'publish' | 'deliver' | 'deadLetter' | 'emit' | 'bind';
    /** A binding's key or headers, drawn on the edge (one or two lines). */
    label?: string[];
  }>;
  /** Names and binding labels cut short because even wrapped they did not fit. */
  clipped: string[];
}

const PAD = 16;
/** Room above the nodes for the broker's bar, and below them for the "showing 1 in N" badge. */
const TOP = 34;
const BOTTOM = 26;
const MIN_W = 72;
const COMFORT_W = 150;
const MAX_W = 240;
const MIN_GAP = 20;
const HEADER = 22;
/** A title's line on a crowded stage. */
const TIGHT_HEADER = 18;
const LINE = 13;
const PRODUCER_H = 44;
const TUBE_H = 42;
/** A tube's line of numbers (ready, unacked) under it: it does not scale. */
const TUBE_NUMBERS = 16;
const INSTANCE_H = 34;
/** Below this an instance card cannot hold its name and state: draw a grid of cells. */
const MIN_INSTANCE_H = 22;
const CELL_W = 40;
const CELL_H = 22;
const CELL_GAP = 3;
/** Grids taller than this get narrower cells (colour only, no number). */
const MAX_GRID_ROWS = 6;
const MIN_CELL_W = 12;
const LANE_H = 14;
const GAP = 14;
/** The gap between nodes of a column on a crowded stage. */
const TIGHT_GAP = 5;
/** Room for a log group's or topic subscription's name above its lanes or tube. */
const SUB_LABEL = 13;
/** An exchange's two lines of numbers (routed, unroutable) under its title. */
const EXCHANGE_BODY = 30;
/** A consumer card's line of numbers under its instances (processed, duplicates, order). */
export const CONSUMER_FOOTER = 15;
/** The grid's summary line ("30 instances: 27 busy · 2 idle · 1 crashed"). */
export const GRID_SUMMARY = 15;

/** Room a card gives its text: the card's width less its padding. */
export const textRoom = (w: number): number => w - 16;

interface Item {
  kind: NodeKind;
  index: number;
  /** Height that does not scale (title, labels, footer) and height that does (tubes, cards). */
  rigid: number;
  flexible: number;
  y: number;
}

/** The width each node's text asks for (names, tags, a tube's numbers, an instance's state). */
function wantedWidths(m: TopologyModel, measure: Measure) {
  const t = (s: string) => measure(s, 'title');
  const sm = (s: string) => measure(s, 'small');
  const pad = (w: number) => Math.ceil(w + 16);
  const tube = sm('000 ready · 00 unacked');
  return {
    producer: m.producers.map((p) => pad(Math.max(t(p.id), sm('producer · cut off')))),
    channel: m.channels.map((ch) => {
      const head = t(ch.id) + 6 + sm(ch.kind === 'exchange' ? ch.exchangeType : ch.kind);
      if (ch.kind === 'exchange') return pad(Math.max(head, sm('0000 unroutable')));
      const subs = ch.queues.map((q) => sm(m.queues[q]?.label ?? ''));
      return pad(Math.max(head, tube, ...subs));
    }),
    consumer: m.consumers.map((c) =>
      c.instances.length > 6 ? MAX_W : pad(Math.max(t(c.id), 54 + sm('1 busy · 10 buffered'))),
    ),
  };
}

export function layoutTopology(
  m: TopologyModel,
  width: number,
  height: number,
  measure: Measure,
): Layout {
  const layers = assignLayers(m);
  const columns = Math.max(2, ...layers.channel, ...layers.consumer) + 1;
  const cols: Item[][] = Array.from({ length: columns }, () => []);
  const item = (kind: NodeKind, index: number, col: number) =>
    cols[col].push({ kind, index, rigid: 0, flexible: 0, y: 0 });
  m.producers.forEach((_, i) => item('producer', i, layers.producer[i]));
  m.channels.forEach((_, i) => item('channel', i, layers.channel[i]));
  m.consumers.forEach((_, i) => item('consumer', i, layers.consumer[i]));
  const used = cols.filter((c) => c.length > 0);
  const colOf = new Map<string, number>();
  used.forEach((col, ci) => col.forEach((it) => colOf.set(key(it.kind, it.index), ci)));
  const clipped: string[] = [];

  // Widths: each column as wide as its widest want; the gap before a column as wide as the
  // binding labels drawn in it.
  const want = wantedWidths(m, measure);
  const colWant = used.map((col) =>
    Math.min(MAX_W, Math.max(MIN_W, ...col.map((it) => want[it.kind][it.index]))),
  );
  const gapWant = used.map(() => MIN_GAP);
  m.channels.forEach((ch) => {
    const labels = ch.bindings.map((b) => ({ to: b.to, text: b.label }));
    if (ch.alternate >= 0) labels.push({ to: ch.alternate, text: 'alternate' });
    for (const b of labels) {
      if (b.to < 0 || !b.text) continue;
      const c = colOf.get(key('channel', b.to))!;
      gapWant[c] = Math.max(gapWant[c], Math.min(150, measure(b.text, 'small') + 20));
    }
  });
  gapWant[0] = 0;
  const { nodeW, gapW, margin } = fitWidths(colWant, gapWant, width - 2 * PAD);

  // Titles at those widths; then heights.
  const nodeWOf = (kind: NodeKind, i: number) => nodeW[colOf.get(key(kind, i))!];
  const title = (name: string, tag: string, w: number) => {
    const t = fitTitle(name, tag, textRoom(w), measure);
    if (t.clipped) clipped.push(name);
    return t;
  };
  const titles = {
    producers: m.producers.map((p, i) => title(p.id, '', nodeWOf('producer', i))),
    channels: m.channels.map((ch, i) => title(ch.id, ch.tag, nodeWOf('channel', i))),
    consumers: m.consumers.map((c, i) => title(c.id, '', nodeWOf('consumer', i))),
  };
  let tight = false;
  const header = (t: Title) => (tight ? TIGHT_HEADER : HEADER) + LINE * (titleLines(t) - 1);
  const instanceGrid = m.consumers.map(() => false);
  const numbersInHeader = m.consumers.map(() => false);
  const footer = (ci: number) => (numbersInHeader[ci] ? 2 : CONSUMER_FOOTER + 2);
  let gap = GAP;
  const gridRows = (ci: number) =>
    Math.ceil(
      m.consumers[ci].instances.length /
        cellsPerRow(nodeWOf('consumer', ci), m.consumers[ci].instances.length),
    );
  const measureItem = (it: Item) => {
    if (it.kind === 'producer') {
      it.rigid = PRODUCER_H + LINE * (titles.producers[it.index].lines.length - 1);
      it.flexible = 0;
    } else if (it.kind === 'channel') {
      const ch = m.channels[it.index];
      const head = header(titles.channels[it.index]);
      const n = Math.max(1, ch.queues.length);
      if (ch.kind === 'exchange') [it.rigid, it.flexible] = [head + EXCHANGE_BODY, 0];
      else if (ch.kind === 'log')
        [it.rigid, it.flexible] = [
          head + n * (SUB_LABEL + 8) + 6,
          n * Math.min(ch.partitions, 12) * LANE_H,
        ];
      else
        [it.rigid, it.flexible] = [
          head + n * ((ch.kind === 'topic' ? SUB_LABEL : 0) + TUBE_NUMBERS + 3) + 2,
          n * (TUBE_H - TUBE_NUMBERS),
        ];
    } else {
      const c = m.consumers[it.index];
      const head = header(titles.consumers[it.index]) + footer(it.index);
      if (instanceGrid[it.index])
        [it.rigid, it.flexible] = [head + GRID_SUMMARY, gridRows(it.index) * (CELL_H + CELL_GAP)];
      else [it.rigid, it.flexible] = [head, c.instances.length * (INSTANCE_H + 4)];
    }
  };
  const avail = height - TOP - BOTTOM;
  // Each column scales its tubes and cards to fill the stage's height (a crowded column does
  // not squash the others).
  const fitScale = () => {
    used.forEach((col) => col.forEach(measureItem));
    return used.map((col) => {
      const rigid = col.reduce((s, it) => s + it.rigid, 0) + gap * (col.length - 1);
      const flexible = col.reduce((s, it) => s + it.flexible, 0);
      return flexible > 0 ? Math.min(1.6, Math.max(0.05, (avail - rigid) / flexible)) : 1;
    });
  };
  let scales = fitScale();
  // A crowded stage: closer nodes, and a consumer's numbers beside its name where they fit
  // (never at the cost of the name).
  if (Math.min(...scales) < 0.7) {
    gap = TIGHT_GAP;
    tight = true;
    const numbersW = measure('00000 done', 'small') + 8;
    titles.consumers.forEach((t, ci) => {
      const room = textRoom(nodeWOf('consumer', ci)) - measure(t.lines[0], t.font);
      numbersInHeader[ci] = t.lines.length === 1 && room >= numbersW;
    });
    scales = fitScale();
  }
  // Instance cards too small to read: those consumers draw a grid instead (and the rest of
  // their column gets the room back).
  let regrid = false;
  m.consumers.forEach((c, ci) => {
    const scale = scales[colOf.get(key('consumer', ci))!];
    if (c.instances.length > 3 && (INSTANCE_H + 4) * scale - 4 < MIN_INSTANCE_H)
      regrid = instanceGrid[ci] = true;
  });
  if (regrid) scales = fitScale();
  const heightOf = (it: Item) =>
    it.rigid + it.flexible * scales[colOf.get(key(it.kind, it.index))!];

  // Place the columns left to right; within one, order by the mean height of what feeds it.
  const placed = new Map<string, Box>();
  const sources = sourcesOf(m);
  let x = PAD + margin;
  used.forEach((col, ci) => {
    x += gapW[ci];
    if (ci > 0) {
      col.forEach((it, k) => {
        const ys = (sources.get(key(it.kind, it.index)) ?? [])
          .map((s) => placed.get(s))
          .filter((b): b is Box => b !== undefined)
          .map((b) => b.y + b.h / 2);
        it.y = (ys.length > 0 ? ys.reduce((a, b) => a + b, 0) / ys.length : Infinity) + k * 1e-6;
      });
      col.sort((a, b) => a.y - b.y);
    }
    const total = col.reduce((s, it) => s + heightOf(it), 0) + gap * (col.length - 1);
    let y = Math.max(TOP, TOP + (avail - total) / 2);
    for (const it of col) {
      placed.set(key(it.kind, it.index), { x, y, w: nodeW[ci], h: heightOf(it) });
      y += heightOf(it) + gap;
    }
    x += nodeW[ci];
  });
  const get = (k: NodeKind, i: number) => placed.get(key(k, i))!;
  const producers = m.producers.map((_, i) => get('producer', i));
  const channels = m.channels.map((_, i) => get('channel', i));
  const consumers = m.consumers.map((_, i) => get('consumer', i));
  const { queues, partitions } = innerBoxes(m, channels, titles.channels.map(header));
  const instances = instanceBoxes(
    m,
    consumers,
    titles.consumers.map((t, ci) => [header(t), footer(ci)]),
    instanceGrid,
  );
  const edges = edgesOf(m, { producers, channels, consumers, queues });
  for (const e of edges) {
    if (e.kind !== 'bind' || !e.label || e.label[0] === '') continue;
    const ci = channels.indexOf(e.to);
    const fit = fitEdgeLabel(e.label[0], gapW[colOf.get(key('channel', ci))!] - 12, measure);
    if (fit.clipped) clipped.push(e.label[0]);
    e.label = fit.lines;
  }
  return {
    width,
    height,
    producers,
    channels,
    queues,
    consumers,
    instances,
    partitions,
    titles,
    instanceGrid,
    numbersInHeader,
    broker: brokerBar(channels, [...producers, ...channels, ...consumers], width, height),
    edges,
    clipped,
  };
}

/**
 * Node widths and gaps (the first gap is 0) filling `room`: wants grown towards a comfortable
 * width and the rest shared by the gaps when there is room; else gaps down to their minimum,
 * then nodes shrunk alike.
 */
function fitWidths(colWant: number[], gapWant: number[], room: number) {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const n = colWant.length;
  let nodeW = colWant.slice();
  let gapW = gapWant.slice();
  const spare = room - sum(nodeW) - sum(gapW);
  if (spare >= 0) {
    const comfort = nodeW.map((w) => Math.max(w, COMFORT_W));
    const grow = Math.min(1, spare / Math.max(1, sum(comfort) - sum(nodeW)));
    nodeW = nodeW.map((w, i) => w + (comfort[i] - w) * grow);
    // What is left spreads the columns: a share per gap, half a share on each side.
    const share = (room - sum(nodeW) - sum(gapW)) / n;
    gapW = gapW.map((g, i) => (i === 0 ? 0 : g + share));
    return { nodeW, gapW, margin: share / 2 };
  }
  // Too little room: names can wrap, so nodes give first (down to their minimum), then the
  // gaps (binding labels wrap or are cut), then everything alike.
  const over = -spare;
  const above = sum(nodeW.map((w) => Math.max(0, w - MIN_W)));
  const cut = Math.min(1, over / Math.max(1, above));
  nodeW = nodeW.map((w) => w - Math.max(0, w - MIN_W) * cut);
  const gapRoom = room - sum(nodeW);
  const gapAbove = sum(gapW.map((g, i) => (i === 0 ? 0 : Math.max(0, g - MIN_GAP))));
  const gapCut = Math.min(1, (sum(gapW) - gapRoom) / Math.max(1, gapAbove));
  if (gapCut > 0) gapW = gapW.map((g, i) => (i === 0 ? 0 : g - Math.max(0, g - MIN_GAP) * gapCut));
  const total = sum(nodeW) + sum(gapW);
  if (total > room) {
    nodeW = nodeW.map((w) => (w * room) / total);
    gapW = gapW.map((g) => (g * room) / total);
  }
  return { nodeW, gapW, margin: 0 };
}

/** What feeds each node, by key: the barycentre ordering reads their positions. */
function sourcesOf(m: TopologyModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (to: string, from: string) => out.set(to, [...(out.get(to) ?? []), from]);
  m.producers.forEach((p, i) => add(key('channel', p.channel), key('producer', i)));
  m.consumers.forEach((c, ci) => {
    for (const e of c.emits) add(key('channel', e), key('consumer', ci));
    const ch = m.queues[c.queue]?.channel ?? -1;
    if (ch >= 0) add(key('consumer', ci), key('channel', ch));
  });
  m.channels.forEach((ch, ci) => {
    const targets = [...ch.deadLetter, ch.alternate, ...ch.bindings.map((b) => b.to)];
    for (const t of new Set(targets)) if (t >= 0) add(key('channel', t), key('channel', ci));
  });
  return out;
}

/** Tubes (queues, topic subscriptions) and log groups' lanes inside their channel's box. */
function innerBoxes(m: TopologyModel, channels: Box[], headers: number[]) {
  const queues: Box[] = m.queues.map(() => ({ x: 0, y: 0, w: 0, h: 0 }));
  const partitions: Box[] = [];
  m.channels.forEach((ch, ci) => {
    const b = channels[ci];
    const inner = (b.h - headers[ci]) / Math.max(1, ch.queues.length);
    const label = ch.kind === 'log' || ch.kind === 'topic' ? SUB_LABEL : 0;
    ch.queues.forEach((q, k) => {
      const y = b.y + headers[ci] + k * inner + 1 + label;
      queues[q] = { x: b.x + 6, y, w: b.w - 12, h: inner - 3 - label };
    });
  });
  for (const g of m.groups) {
    const tube = queues[g.target];
    const lanes = Math.min(g.partitions, 12);
    const laneH = (tube.h - 2) / lanes;
    for (let p = 0; p < g.partitions; p++) {
      const lane = Math.min(p, lanes - 1); // past 12 lanes, the last one stands for the rest
      partitions.push({ x: tube.x, y: tube.y + lane * laneH, w: tube.w, h: laneH - 1 });
    }
  }
  return { queues, partitions };
}

/** Instance cards one per line, or a grid of cells (row by row) under the summary line. */
function instanceBoxes(
  m: TopologyModel,
  consumers: Box[],
  frame: Array<[header: number, footer: number]>,
  grid: boolean[],
) {
  const instances: Box[] = m.instances.map(() => ({ x: 0, y: 0, w: 0, h: 0 }));
  m.consumers.forEach((c, ci) => {
    const b = consumers[ci];
    const top = b.y + frame[ci][0] + (grid[ci] ? GRID_SUMMARY : 0);
    const room = b.h - (top - b.y) - frame[ci][1];
    const n = Math.max(1, c.instances.length);
    if (!grid[ci]) {
      const each = room / n;
      c.instances.forEach((inst, k) => {
        instances[inst] = { x: b.x + 6, y: top + k * each + 1, w: b.w - 12, h: each - 4 };
      });
      return;
    }
    const perRow = cellsPerRow(b.w, n);
    const rows = Math.ceil(n / perRow);
    const cellW = (b.w - 12 - CELL_GAP * (perRow - 1)) / perRow;
    const rowH = Math.min(CELL_H + CELL_GAP, room / rows);
    c.instances.forEach((inst, k) => {
      const r = Math.floor(k / perRow);
      const col = k % perRow;
      instances[inst] = {
        x: b.x + 6 + col * (cellW + CELL_GAP),
        y: top + r * rowH + 1,
        w: cellW,
        h: rowH - CELL_GAP,
      };
    });
  });
  return instances;
}

function edgesOf(
  m: TopologyModel,
  b: { producers: Box[]; channels: Box[]; consumers: Box[]; queues: Box[] },
): Layout['edges'] {
  const edges: Layout['edges'] = [];
  m.producers.forEach((p, i) =>
    edges.push({ from: b.producers[i], to: b.channels[p.channel], kind: 'publish' }),
  );
  m.consumers.forEach((c, ci) => {
    if (c.queue >= 0) edges.push({ from: b.queues[c.queue], to: b.consumers[ci], kind: 'deliver' });
    for (const e of c.emits) edges.push({ from: b.consumers[ci], to: b.channels[e], kind: 'emit' });
  });
  m.channels.forEach((ch) =>
    ch.deadLetter.forEach((d, k) => {
      if (d >= 0)
        edges.push({ from: b.queues[ch.queues[k]], to: b.channels[d], kind: 'deadLetter' });
    }),
  );
  m.channels.forEach((ch, ci) => {
    for (const bd of ch.bindings)
      if (bd.to >= 0)
        edges.push({
          from: b.channels[ci],
          to: b.channels[bd.to],
          kind: 'bind',
          label: [bd.label],
        });
    if (ch.alternate >= 0)
      edges.push({
        from: b.channels[ci],
        to: b.channels[ch.alternate],
        kind: 'bind',
        label: ['alternate'],
      });
  });
  return edges;
}

/**
 * The broker's bar: across the channels' columns, above every node in that span (in a chain
 * consumers stand between channels; the bar must not cover their names).
 */
function brokerBar(channels: Box[], all: Box[], width: number, height: number): Box {
  if (channels.length === 0) return { x: width / 2, y: height / 2, w: 0, h: 16 };
  const x0 = Math.min(...channels.map((b) => b.x)) - 8;
  const x1 = Math.max(...channels.map((b) => b.x + b.w)) + 8;
  const under = all.filter((b) => b.x + b.w > x0 && b.x < x1);
  const y = Math.max(2, Math.min(...under.map((b) => b.y)) - 20);
  return { x: x0, y, w: x1 - x0, h: 16 };
}

const key = (k: NodeKind, i: number) => `${k}:${i}`;

/**
 * Cells per row of an instance grid in a card w wide: cells wide enough for "#12" while that
 * keeps to MAX_GRID_ROWS rows, else narrower cells (colour only) so the grid stays short.
 */
function cellsPerRow(w: number, n: number): number {
  const fit = (cellW: number) => Math.max(1, Math.floor((w - 12 + CELL_GAP) / (cellW + CELL_GAP)));
  const wide = fit(CELL_W);
  return Math.ceil(n / wide) <= MAX_GRID_ROWS
    ? wide
    : Math.max(wide, Math.min(fit(MIN_CELL_W), Math.ceil(n / MAX_GRID_ROWS)));
}
