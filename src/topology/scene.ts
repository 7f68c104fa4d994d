// The topology's still layer: edges, nodes and their state (queue depth as a tube of slots,
// instance cards idle/busy/crashed/cut off, log partitions with owner and lag). Redrawn when the
// state changes, a few times a second at most; the dots move on their own layer above it.

import type { NodeState, NodeStats, TopologyModel } from '../shared/protocol';
import { CONSUMER_FOOTER, GRID_SUMMARY, textRoom, type Box, type Layout } from './layout';
import { titleLines, type Font, type Measure, type Title } from './titles';
import { STATE_COLOURS } from './palette';

export interface Theme {
  bg: string;
  panel: string;
  border: string;
  text: string;
  muted: string;
  edge: string;
  ready: string;
  crashed: string;
  cutOff: string;
  frozen: string;
  busy: string;
  dark: boolean;
}

export function readTheme(el: Element): Theme {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    bg: v('--bg'),
    panel: v('--panel'),
    border: v('--border'),
    text: v('--text'),
    muted: v('--muted'),
    edge: v('--edge'),
    ready: STATE_COLOURS.first,
    crashed: STATE_COLOURS.duplicate,
    cutOff: STATE_COLOURS.lost,
    frozen: STATE_COLOURS.theory,
    busy: STATE_COLOURS.acked,
    dark: v('--dark') === '1',
  };
}

const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
const SMALL = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
const FONTS: Record<Font, string> = { title: FONT, small: SMALL };
const LINE = 13;

/** Text widths as this canvas draws them, for the layout to size cards by. */
export function canvasMeasure(ctx: CanvasRenderingContext2D): Measure {
  return (text, font) => {
    ctx.font = FONTS[font];
    return ctx.measureText(text).width;
  };
}

export interface SceneExtras {
  /** Instance under the pointer, or the broker (-2), for a hover outline. */
  hover: number;
  selectedInstance: number;
}

export function drawScene(
  ctx: CanvasRenderingContext2D,
  m: TopologyModel,
  L: Layout,
  s: NodeState | null,
  stats: NodeStats | null,
  th: Theme,
  extras: SceneExtras,
): void {
  ctx.clearRect(0, 0, L.width, L.height);
  ctx.lineCap = 'round';
  // Edges first, under the nodes.
  for (const e of L.edges) {
    ctx.strokeStyle = e.kind === 'deadLetter' ? th.muted : th.edge;
    ctx.setLineDash(e.kind === 'deadLetter' ? [4, 4] : []);
    ctx.lineWidth = 1.5;
    curve(ctx, e.from, e.to);
  }
  ctx.setLineDash([]);
  // Binding keys just before the box they lead to (where the edges fan apart), on a patch of
  // the background so they read over the edges.
  for (const e of L.edges) {
    if (e.kind !== 'bind' || !e.label || e.label[0] === '') continue;
    ctx.font = SMALL;
    const w = Math.max(...e.label.map((l) => ctx.measureText(l).width)) + 8;
    const x = e.to.x - 4 - w / 2;
    const y0 = e.to.y + e.to.h / 2 - 9 - (e.label.length - 1) * LINE;
    ctx.fillStyle = th.bg;
    ctx.fillRect(x - w / 2, y0 - 7, w, 14 + (e.label.length - 1) * LINE);
    e.label.forEach((l, k) => label(ctx, l, x, y0 + k * LINE, th.muted, SMALL, w, 'center'));
  }
  // The broker: a bar above the channels; click it to crash the broker.
  const b = L.broker;
  const up = s?.brokerUp ?? true;
  ctx.fillStyle = up ? th.panel : th.crashed;
  roundRect(ctx, b.x, b.y, b.w, 16, 4);
  ctx.fill();
  ctx.strokeStyle = extras.hover === -2 ? th.text : th.border;
  ctx.stroke();
  ctx.font = SMALL;
  ctx.fillStyle = up ? th.muted : '#ffffff';
  ctx.textBaseline = 'middle';
  if (m.nodes.length === 1 || !up)
    ctx.fillText(up ? 'BROKER · up' : 'BROKER · DOWN', b.x + 6, b.y + 8);
  else brokerNodes(ctx, b, m.nodes, s?.brokerNodes ?? null, th);

  m.producers.forEach((p, i) => {
    const box = L.producers[i];
    const cut = s?.producerCutOff[i] === 1;
    card(ctx, box, th, cut ? th.cutOff : th.border);
    const title = L.titles.producers[i];
    drawTitle(ctx, title, box, th, box.y + 14);
    const kinds = cut ? ['producer · cut off', 'cut off'] : ['producer'];
    const y = box.y + 30 + LINE * (title.lines.length - 1);
    fitted(ctx, kinds, box.x + 8, y, cut ? th.cutOff : th.muted, textRoom(box.w), 'left');
  });

  m.channels.forEach((ch, ci) => {
    const box = L.channels[ci];
    card(ctx, box, th, th.border);
    const title = L.titles.channels[ci];
    const bottom = drawTitle(ctx, title, box, th, box.y + 11);
    if (ch.kind === 'exchange') {
      const routed = fmtCount(stats ? stats.routed[ci] : 0);
      const unroutable = fmtCount(stats ? stats.unroutable[ci] : 0);
      const room = textRoom(box.w);
      fitted(ctx, [`${routed} routed`, routed], box.x + 8, bottom + 16, th.text, room, 'left');
      const un = [`${unroutable} unroutable`, `${unroutable} unrout.`, unroutable];
      fitted(ctx, un, box.x + 8, bottom + 30, th.muted, room, 'left');
      return;
    }
    if (ch.kind === 'log') return;
    ch.queues.forEach((q) => {
      if (ch.kind === 'topic')
        label(
          ctx,
          m.queues[q].label,
          L.queues[q].x,
          L.queues[q].y - 7,
          th.muted,
          SMALL,
          L.queues[q].w,
        );
      tube(ctx, L.queues[q], s, q, th);
      if (s?.leaderless[q] === 1) noLeader(ctx, L.queues[q], th);
    });
  });

  // Log partitions: one lane each, filled by lag, labelled with the owner.
  let k = 0;
  for (const g of m.groups) {
    const tubeBox = L.queues[g.target];
    let lag = 0;
    for (let p = 0; p < g.partitions; p++) lag += s ? s.partitionLag[k + p] : 0;
    const lagText = fmtCount(lag);
    const titles = [`group ${g.name} · lag ${lagText}`, `${g.name} · lag ${lagText}`, g.name];
    fitted(ctx, titles, tubeBox.x, tubeBox.y - 7, th.muted, tubeBox.w, 'left');
    for (let p = 0; p < g.partitions; p++, k++) {
      const lane = L.partitions[k];
      if (p >= 12) continue; // the twelfth lane stands for the rest
      ctx.fillStyle = th.bg;
      ctx.fillRect(lane.x, lane.y, lane.w, lane.h);
      const lag = s ? s.partitionLag[k] : 0;
      const owner = s ? s.partitionOwner[k] : -1;
      const frac = Math.min(1, lag / 50);
      ctx.fillStyle = th.ready;
      ctx.fillRect(lane.x, lane.y, lane.w * 0.55 * frac, lane.h);
      const leaderless = s?.partitionLeaderless[k] === 1;
      const who = leaderless ? 'no leader' : owner >= 0 ? m.instances[owner].name : 'no owner';
      label(
        ctx,
        `p${p} lag ${fmtCount(lag)} · ${who}`,
        lane.x + 3,
        lane.y + lane.h / 2,
        owner >= 0 && !leaderless ? th.text : th.crashed,
        SMALL,
        lane.w - 6,
      );
    }
  }

  const numbers = consumerNumbers(m, stats);
  m.consumers.forEach((c, ci) => {
    const box = L.consumers[ci];
    card(ctx, box, th, th.border);
    const bottom = drawTitle(ctx, L.titles.consumers[ci], box, th, box.y + 11);
    if (L.instanceGrid[ci]) {
      const y = bottom + GRID_SUMMARY - 2;
      fitted(ctx, instanceSummary(c.instances, s), box.x + 8, y, th.text, textRoom(box.w), 'left');
      for (const i of c.instances)
        instanceCell(ctx, L.instances[i], m.instances[i].name, s, i, th, extras);
    } else {
      for (const i of c.instances)
        instanceCard(ctx, L.instances[i], m.instances[i].name, s, i, th, extras);
    }
    if (L.numbersInHeader[ci]) {
      const t = L.titles.consumers[ci];
      ctx.font = FONTS[t.font];
      const room = textRoom(box.w) - ctx.measureText(t.lines[0]).width - 8;
      fitted(ctx, numbers[ci], box.x + box.w - 8, box.y + 11, th.text, room, 'right');
    } else {
      const y = box.y + box.h - CONSUMER_FOOTER / 2 - 1;
      fitted(ctx, numbers[ci], box.x + 8, y, th.text, textRoom(box.w), 'left');
    }
  });
}

/**
 * A node's title as the layout fitted it, its first line's middle at y; the tag right of the
 * last line or on a line of its own. Returns the middle of the title's last line.
 */
function drawTitle(
  ctx: CanvasRenderingContext2D,
  t: Title,
  box: Box,
  th: Theme,
  y: number,
): number {
  t.lines.forEach((line, k) =>
    label(ctx, line, box.x + 8, y + k * LINE, th.text, FONTS[t.font], textRoom(box.w)),
  );
  const last = y + (titleLines(t) - 1) * LINE;
  if (t.tag && t.tagOwnLine) label(ctx, t.tag, box.x + 8, last, th.muted, SMALL, textRoom(box.w));
  else if (t.tag) label(ctx, t.tag, box.x + box.w - 8, last, th.muted, SMALL, box.w, 'right');
  return last;
}

const STATE_WORDS = ['idle', 'busy', 'crashed', 'cut off', 'frozen'];

/** "30 instances: 27 busy · 2 idle · 1 crashed", and shorter wordings for narrow cards. */
export function instanceSummary(instances: number[], s: NodeState | null): string[] {
  const counts = [0, 0, 0, 0, 0];
  for (const i of instances) counts[s ? s.instanceState[i] : 0]++;
  const order = [1, 0, 2, 4, 3]; // busy first: what a running consumer mostly is
  const parts = order.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${STATE_WORDS[k]}`);
  const n = instances.length;
  return [`${n} instances: ${parts.join(' · ')}`, `${n}: ${parts.join(' · ')}`, parts.join(' ')];
}

/**
 * Draws the longest of `variants` (most detailed first) that fits in maxW, else the shortest
 * cut with an ellipsis; returns the width drawn.
 */
function fitted(
  ctx: CanvasRenderingContext2D,
  variants: string[],
  x: number,
  y: number,
  colour: string,
  maxW: number,
  align: CanvasTextAlign,
): number {
  ctx.font = SMALL;
  const text =
    variants.find((v) => ctx.measureText(v).width <= maxW) ?? variants[variants.length - 1];
  label(ctx, text, x, y, colour, SMALL, maxW, align);
  return Math.min(maxW, ctx.measureText(text).width);
}

/**
 * Each consumer card's numbers: completions, and duplicates and order violations when any
 * consumer has some (then for all, so cards compare: "213 order viol." beside "0"); the most
 * detailed wording first, shorter ones for narrow cards.
 */
export function consumerNumbers(m: TopologyModel, stats: NodeStats | null): string[][] {
  const c = stats?.consumers;
  const any = (xs: Float64Array | undefined) => xs !== undefined && xs.some((x) => x > 0);
  const dup = any(c?.duplicatesProcessed);
  const order = any(c?.orderViolations);
  return m.consumers.map((_, i) => {
    const done = fmtCount(c ? c.processed[i] : 0);
    const d = dup ? fmtCount(c!.duplicatesProcessed[i]) : '';
    const o = order ? fmtCount(c!.orderViolations[i]) : '';
    const join = (first: string, dupWord: string, orderWord: string) =>
      [first, dup ? `${d} ${dupWord}` : '', order ? `${o} ${orderWord}` : '']
        .filter(Boolean)
        .join(' · ');
    return [
      join(`${done} done`, 'dup', 'order viol.'),
      join(done, 'dup', 'order'),
      join(done, 'dup', 'ord.'),
      `${done} done`,
      done,
    ];
  });
}

/** An instance's box: filled, outlined in its state's colour, thicker when hovered or selected. */
function instanceFrame(
  ctx: CanvasRenderingContext2D,
  box: Box,
  i: number,
  fill: string,
  colour: string,
  radius: number,
  lineWidth: number,
  th: Theme,
  extras: SceneExtras,
): void {
  ctx.fillStyle = fill;
  roundRect(ctx, box.x, box.y, box.w, box.h, radius);
  ctx.fill();
  ctx.lineWidth = extras.hover === i || extras.selectedInstance === i ? 2.5 : lineWidth;
  ctx.strokeStyle = extras.hover === i ? th.text : colour;
  ctx.stroke();
  ctx.lineWidth = 1;
}

function instanceCard(
  ctx: CanvasRenderingContext2D,
  box: Box,
  name: string,
  s: NodeState | null,
  i: number,
  th: Theme,
  extras: SceneExtras,
): void {
  const state = s ? s.instanceState[i] : 0;
  const colour = stateColour(state, th);
  instanceFrame(ctx, box, i, th.bg, colour, 4, 1.5, th, extras);
  const short = name.slice(name.lastIndexOf('#'));
  let texts = [STATE_WORDS[state]];
  if (s && state < 2) {
    if (s.busy[i] > 0 || s.buffered[i] > 0) {
      const b = `${s.busy[i]} busy`;
      texts = [`${b} · ${s.buffered[i]} buffered`, `${b} · ${s.buffered[i]} buf.`, b];
    }
    if (s.slow[i] > 1) texts = texts.map((t) => `${t} · slow ×${round(s.slow[i])}`);
  }
  // The state right of the name; under it when the card is narrow but tall enough.
  const ring = state === 1 ? 14 : 0;
  const room = box.w - 46 - ring;
  const ink = state >= 2 ? colour : th.muted;
  ctx.font = SMALL;
  const shortest = texts[texts.length - 1];
  const stacked = ctx.measureText(shortest).width > room && box.h >= 30;
  const nameY = stacked ? box.y + box.h / 2 - 7 : box.y + box.h / 2;
  label(ctx, short, box.x + 6, nameY, th.text, FONT, 34);
  if (stacked) fitted(ctx, texts, box.x + 6, box.y + box.h / 2 + 7, ink, box.w - 10, 'left');
  else fitted(ctx, texts, box.x + 40, box.y + box.h / 2, ink, room, 'left');
  // A ring that fills while the instance is busy (on the name's line).
  if (s && state === 1 && box.h >= 16) {
    ctx.beginPath();
    ctx.arc(box.x + box.w - 10, nameY, 5, 0, Math.PI * 2);
    ctx.fillStyle = th.busy;
    ctx.fill();
  }
}

/** One instance of a grid: a cell filled with its state's colour, its number when it fits. */
function instanceCell(
  ctx: CanvasRenderingContext2D,
  box: Box,
  name: string,
  s: NodeState | null,
  i: number,
  th: Theme,
  extras: SceneExtras,
): void {
  const state = s ? s.instanceState[i] : 0;
  const colour = stateColour(state, th);
  instanceFrame(ctx, box, i, state === 0 ? th.bg : colour, colour, 3, 1, th, extras);
  const short = name.slice(name.lastIndexOf('#'));
  ctx.font = SMALL;
  if (box.h >= 11 && ctx.measureText(short).width <= box.w - 4)
    label(
      ctx,
      short,
      box.x + box.w / 2,
      box.y + box.h / 2,
      state === 0 ? th.text : '#ffffff',
      SMALL,
      box.w,
      'center',
    );
}

function stateColour(state: number, th: Theme): string {
  return state === 2
    ? th.crashed
    : state === 3
      ? th.cutOff
      : state === 4
        ? th.frozen
        : state === 1
          ? th.busy
          : th.border;
}

function tube(
  ctx: CanvasRenderingContext2D,
  box: Box,
  s: NodeState | null,
  q: number,
  th: Theme,
): void {
  // The tube takes the upper part of the box; its numbers go underneath, on two lines when one
  // is too narrow for them and the box is tall enough.
  const ready = s ? s.ready[q] : 0;
  const unacked = s ? s.unacked[q] : 0;
  const [rs, us] = [fmtCount(ready), fmtCount(unacked)];
  ctx.font = SMALL;
  const room = box.w;
  const oneLine = ctx.measureText(`${rs} ready · ${us} unack.`).width <= room;
  const twoLines = !oneLine && box.h >= 44;
  const h = Math.max(4, box.h - (twoLines ? 29 : 16));
  ctx.fillStyle = th.bg;
  roundRect(ctx, box.x, box.y, box.w, h, h / 2);
  ctx.fill();
  ctx.strokeStyle = th.border;
  ctx.stroke();
  // Ready messages stack from the head (right, where consumers take them); up to 30 slots,
  // past that the slots stay full and the number says how many. Unacked ones sit at the left.
  const slots = 30;
  const inner = box.w - h;
  const slotW = inner / (slots + 8);
  const y = box.y + h * 0.25;
  const sh = h * 0.5;
  ctx.fillStyle = th.ready;
  const r = Math.min(ready, slots);
  for (let i = 0; i < r; i++)
    ctx.fillRect(box.x + box.w - h / 2 - (i + 1) * slotW, y, slotW - 1, sh);
  // Unacked: outlined slots (delivered, not yet acknowledged), in the muted ink.
  ctx.strokeStyle = th.muted;
  const u = Math.min(unacked, 6);
  for (let i = 0; i < u; i++)
    ctx.strokeRect(box.x + h / 2 + i * slotW + 0.5, y + 0.5, slotW - 2, sh - 1);
  if (twoLines) {
    label(ctx, `${rs} ready`, box.x + 4, box.y + h + 8, th.muted, SMALL, room);
    label(ctx, `${us} unacked`, box.x + 4, box.y + h + 21, th.muted, SMALL, room);
    return;
  }
  const texts = [
    `${rs} ready · ${us} unacked`,
    `${rs} ready · ${us} unack.`,
    `${rs} rdy · ${us} unack.`,
    `${rs} / ${us}`,
  ];
  fitted(ctx, texts, box.x + 4, box.y + h + 8, th.muted, room, 'left');
}

function card(ctx: CanvasRenderingContext2D, b: Box, th: Theme, stroke: string): void {
  ctx.fillStyle = th.panel;
  roundRect(ctx, b.x, b.y, b.w, b.h, 6);
  ctx.fill();
  ctx.strokeStyle = stroke;
  ctx.lineWidth = 1;
  ctx.stroke();
}

function curve(ctx: CanvasRenderingContext2D, a: Box, b: Box): void {
  let x0 = a.x + a.w;
  let x1 = b.x;
  if (x1 < x0) {
    x0 = a.x;
    x1 = b.x + b.w;
  }
  const y0 = a.y + a.h / 2;
  const y1 = b.y + b.h / 2;
  const dx = (x1 - x0) * 0.5;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.bezierCurveTo(x0 + dx, y0, x1 - dx, y1, x1, y1);
  ctx.stroke();
}

function roundRect(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  w: number,
  h: number,
  r: number,
): void {
  ctx.beginPath();
  ctx.roundRect(x, y, Math.max(0, w), Math.max(0, h), Math.max(0, Math.min(r, h / 2, w / 2)));
}

function label(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  colour: string,
  font: string,
  maxW: number,
  align: CanvasTextAlign = 'left',
  baseline: CanvasTextBaseline = 'middle',
): void {
  ctx.font = font;
  ctx.fillStyle = colour;
  ctx.textAlign = align;
  ctx.textBaseline = baseline;
  let t = text;
  if (ctx.measureText(t).width > maxW) {
    while (t.length > 1 && ctx.measureText(t + '…').width > maxW) t = t.slice(0, -1);
    t += '…';
  }
  ctx.fillText(t, x, y);
  ctx.textAlign = 'left';
}

function fmtCount(n: number): string {
  return n >= 10_000 ? `${round(n / 1000)}k` : String(n);
}

function round(x: number): string {
  return x >= 100
    ? x.toFixed(0)
    : x >= 10
      ? x.toFixed(1).replace(/\.0$/, '')
      : x.toFixed(2).replace(/\.?0+$/, '');
}

/** What is under a point: an instance index, the broker (-2), or nothing (-1). */
export function hitNode(L: Layout, x: number, y: number): number {
  const inside = (b: Box) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h;
  for (let i = 0; i < L.instances.length; i++) if (inside(L.instances[i])) return i;
  if (inside(L.broker)) return -2;
  return -1;
}

/** The broker bar of a cluster: each node, up, down or cut off (`broker#2 DOWN`). */
function brokerNodes(
  ctx: CanvasRenderingContext2D,
  b: Box,
  nodes: string[],
  state: Uint8Array | null,
  th: Theme,
): void {
  const word = ['up', 'DOWN', 'cut off'];
  const w = (b.w - 60) / nodes.length;
  label(ctx, 'BROKER', b.x + 6, b.y + 8, th.muted, SMALL, 54, 'left');
  nodes.forEach((name, k) => {
    const st = state === null ? 0 : state[k];
    const x = b.x + 60 + k * w;
    const mark = ['', ' ✕', ' ⌁'][st];
    const text = [`${name} ${word[st]}`, `#${k + 1} ${word[st]}`, `#${k + 1}${mark}`];
    fitted(ctx, text, x, b.y + 8, st === 0 ? th.muted : th.crashed, w - 4, 'left');
  });
}

/** A queue without a leader: nothing goes in or out (written across its tube). */
function noLeader(ctx: CanvasRenderingContext2D, box: Box, th: Theme): void {
  label(ctx, 'no leader', box.x + box.w / 2, box.y + box.h / 2, th.crashed, SMALL, box.w, 'center');
}
