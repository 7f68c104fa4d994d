// Messages as dots travelling along the topology's edges, drawn on their own canvas every
// animation frame. Dots live in a fixed pool of typed arrays (nothing is allocated per dot per
// frame) and are stamped straight into one ImageData's pixels, which is put once per frame:
// thousands of drawImage calls cost ~6 µs each on a software-rendered canvas, a stamp a few ns.

import { Ev } from '../../sim-core/index';
import type { EventColumns, TopologyModel } from '../shared/protocol';
import type { Box, Layout } from './layout';
import { CLASS_COLOURS, DOT_STATES, STATE_COLOURS } from './palette';
import type { DotState } from './palette';
import type { DotColouring, EventSink } from '../lab/run-view.svelte';

/** Wall time a hop takes at least, so flow stays visible at high speed. */
const MIN_TRAVEL_MS = 150;
const MAX_TRAVEL_MS = 1500;
const DOT_RADIUS = 3;
/** A loss bursts out of what held it: this many dots at most, and a count badge shown this long
 * (dot-clock ms: it stays while paused), for the latest few places. */
const BURST_DOTS = 12;
const BADGE_MS = 3000;
const MAX_BURSTS = 8;

const colourIndex = (s: DotState) => DOT_STATES.indexOf(s);
const FIRST = colourIndex('first');
const REDELIVERY = colourIndex('redelivery');
const DUPLICATE = colourIndex('duplicate');
const DEAD = colourIndex('deadLettered');
const DROPPED = colourIndex('dropped');
const LOST = colourIndex('lost');
/** Class k (1-based) of a message is drawn in colour CLASS_BASE + k − 1. */
const CLASS_BASE = DOT_STATES.length;

export class FlowAnimator implements EventSink {
  readonly capacity: number;
  private readonly x0: Float32Array;
  private readonly y0: Float32Array;
  private readonly x1: Float32Array;
  private readonly y1: Float32Array;
  private readonly bend: Float32Array;
  private readonly t0: Float64Array;
  private readonly dur: Float32Array;
  private readonly colour: Uint8Array;
  private readonly sender: Int32Array;
  private readonly seq: Int32Array;
  /** The last exchange that routed a message, and that message: its copies fly from there. */
  private routedFrom = -1;
  private routedSender = -1;
  private routedSeq = -1;
  private readonly free: Int32Array;
  private freeCount: number;
  private readonly alive: Uint8Array;
  /** Dots that could not be drawn because the pool was full since the last clear. */
  overflow = 0;
  /** Dots spawned (for the adaptive sampling rate). */
  spawned = 0;
  /** Packed RGBA (little-endian ABGR) per colour (states, then classes), the disc's offsets. */
  private colours = new Uint32Array(CLASS_BASE + CLASS_COLOURS.length);
  private outline = 0;
  /** Per colour: 1 if a dot of it gets the outline (too dark to see on a dark theme). */
  private ringed = new Uint8Array(CLASS_BASE + CLASS_COLOURS.length);
  private stamp = new Int32Array(0);
  private ring = new Int32Array(0);
  /** A wider ring around the followed message's dots, in the theme's text colour. */
  private halo = new Int32Array(0);
  private haloColour = 0;
  private followSender = -1;
  private followSeq = -1;
  private image: ImageData | null = null;
  private pixels = new Uint32Array(0);
  private dpr = 1;
  private model: TopologyModel | null = null;
  private layout: Layout | null = null;
  /** Simulated µs per wall ms (the playback speed); Infinity at "max". */
  usPerMs = 1000;
  reducedMotion = false;
  /** What new dots in flow (not anomalies) are coloured by. */
  colourBy: DotColouring = 'state';
  /** place()'s result. */
  private atX = 0;
  private atY = 0;
  /** The owner's dot clock for spawns (ms: wall time that stops while paused). */
  nowMs = 0;
  /** The latest crash seen: losses at its instant were held by that instance (−1: the broker). */
  private crashUs = -1;
  private crashInstance = -1;
  /** Recent loss bursts: where, at which simulated instant, how many, since when (dot clock). */
  private bursts: Array<{
    box: Box;
    place: string;
    /** At an instance: drawn inside its box (the next instance is right below it). */
    inside: boolean;
    timeUs: number;
    count: number;
    t0: number;
  }> = [];

  constructor(capacity: number) {
    this.capacity = capacity;
    this.x0 = new Float32Array(capacity);
    this.y0 = new Float32Array(capacity);
    this.x1 = new Float32Array(capacity);
    this.y1 = new Float32Array(capacity);
    this.bend = new Float32Array(capacity);
    this.t0 = new Float64Array(capacity);
    this.dur = new Float32Array(capacity);
    this.colour = new Uint8Array(capacity);
    this.sender = new Int32Array(capacity);
    this.seq = new Int32Array(capacity);
    this.alive = new Uint8Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  get inFlight(): number {
    return this.capacity - this.freeCount;
  }

  setScene(model: TopologyModel | null, layout: Layout | null, dpr: number, dark: boolean): void {
    this.model = model;
    this.layout = layout;
    this.dpr = dpr;
    this.colours = Uint32Array.from(
      [...DOT_STATES.map((s) => STATE_COLOURS[s]), ...CLASS_COLOURS],
      packed,
    );
    // Black dead-lettered dots get a light ring on a dark theme, so they stay visible.
    this.outline = dark ? packed('#ffffff') : 0;
    this.haloColour = packed(dark ? '#ffffff' : '#000000');
    const hexes = [...DOT_STATES.map((s) => STATE_COLOURS[s]), ...CLASS_COLOURS];
    this.ringed = Uint8Array.from(hexes, (h) => (luminance(h) < 0.08 ? 1 : 0));
    this.image = null;
  }

  /** Rings the dots of one message (sender −1: none). */
  follow(sender: number, seq: number): void {
    this.followSender = sender;
    this.followSeq = sender < 0 ? -1 : seq;
  }

  clear(): void {
    this.alive.fill(0);
    for (let i = 0; i < this.capacity; i++) this.free[i] = this.capacity - 1 - i;
    this.freeCount = this.capacity;
    this.overflow = 0;
    this.bursts = [];
    this.crashUs = -1;
  }

  onEvents(ev: EventColumns, from: number, to: number): void {
    const m = this.model;
    const L = this.layout;
    if (!m || !L) return;
    for (let i = from; i < to; i++) {
      const kind = ev.kind[i];
      const where = ev.where[i];
      switch (kind) {
        case Ev.published: {
          const s = m.senders[where];
          if (!s) break;
          const fromBox = s.producer >= 0 ? L.producers[s.producer] : L.consumers[s.consumer];
          const ch =
            s.producer >= 0
              ? m.producers[s.producer].channel
              : (m.consumers[s.consumer]?.emits[0] ?? -1);
          if (fromBox && ch >= 0) this.spawnEdge(fromBox, L.channels[ch], FIRST, ev, i);
          break;
        }
        case Ev.delivered: {
          // A delivery always comes from the instance's own queue (or its log group's lane).
          const q = m.instances[where]?.queue ?? -1;
          if (q >= 0)
            this.spawnEdge(
              L.queues[q],
              L.instances[where],
              ev.aux[i] > 1 ? REDELIVERY : FIRST,
              ev,
              i,
            );
          break;
        }
        case Ev.routed:
          this.routedFrom = where;
          this.routedSender = ev.sender[i];
          this.routedSeq = ev.seq[i];
          break;
        case Ev.enqueued: {
          // The copies an exchange routed fly from it to their queues (same message, same instant).
          const x = this.routedFrom;
          if (x < 0 || ev.sender[i] !== this.routedSender || ev.seq[i] !== this.routedSeq) break;
          const q = L.queues[where];
          if (q && L.channels[x]) this.spawnEdge(L.channels[x], q, FIRST, ev, i);
          break;
        }
        case Ev.unroutable:
          if (L.channels[where]) this.spawnOut(L.channels[where], DROPPED, ev, i, -1);
          break;
        case Ev.reprocessed:
          if (L.instances[where]) this.spawnOut(L.instances[where], DUPLICATE, ev, i, 0);
          break;
        case Ev.deadLettered: {
          const q = L.queues[where];
          const chIndex = m.queues[where]?.channel ?? -1;
          const k = chIndex >= 0 ? m.channels[chIndex].queues.indexOf(where) : -1;
          const dl = k >= 0 ? m.channels[chIndex].deadLetter[k] : -1;
          if (q && dl >= 0) this.spawnEdge(q, L.channels[dl], DEAD, ev, i);
          else if (q) this.spawnOut(q, DEAD, ev, i, 1);
          break;
        }
        case Ev.expired:
        case Ev.dropped:
          if (L.queues[where]) this.spawnOut(L.queues[where], DROPPED, ev, i, 1);
          break;
        case Ev.rejected:
          if (L.queues[where]) this.spawnOut(L.queues[where], DROPPED, ev, i, -1);
          break;
        case Ev.crashed:
          this.crashUs = ev.timeUs[i];
          this.crashInstance = where;
          break;
        case Ev.lost: {
          // Copies an instance held (auto ack) are lost with it, in its crash's instant.
          const held = ev.timeUs[i] === this.crashUs && this.crashInstance >= 0;
          const box = held ? L.instances[this.crashInstance] : L.queues[where];
          const name = held ? m.instances[this.crashInstance]?.name : m.queues[where]?.name;
          if (box) this.burst(box, name ?? '', held, ev, i);
          break;
        }
      }
    }
  }

  /** Draws every live dot at dot-clock time nowMs; returns how many were drawn. */
  draw(ctx: CanvasRenderingContext2D, nowMs: number): number {
    const { width, height } = ctx.canvas;
    if (!this.image || this.image.width !== width || this.image.height !== height) {
      this.image = ctx.createImageData(width, height);
      this.pixels = new Uint32Array(this.image.data.buffer);
      this.buildStamps(width);
    }
    const px = this.pixels;
    px.fill(0);
    const n = this.capacity;
    const alive = this.alive;
    const dpr = this.dpr;
    const stamp = this.stamp;
    const ring = this.ring;
    const margin = Math.ceil((DOT_RADIUS + 4) * dpr);
    let drawn = 0;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      if (nowMs - this.t0[i] >= this.dur[i]) {
        this.release(i);
        continue;
      }
      if (!this.place(i, nowMs)) continue;
      const cx = Math.round(this.atX * dpr);
      const cy = Math.round(this.atY * dpr);
      if (cx < margin || cy < margin || cx >= width - margin || cy >= height - margin) continue;
      const centre = cy * width + cx;
      const c = this.colours[this.colour[i]];
      for (let k = 0; k < stamp.length; k++) px[centre + stamp[k]] = c;
      if (this.outline !== 0 && this.ringed[this.colour[i]] === 1)
        for (let k = 0; k < ring.length; k++) px[centre + ring[k]] = this.outline;
      if (
        this.followSender >= 0 &&
        this.seq[i] === this.followSeq &&
        this.sender[i] === this.followSender
      )
        for (let k = 0; k < this.halo.length; k++) px[centre + this.halo[k]] = this.haloColour;
      drawn++;
    }
    ctx.putImageData(this.image, 0, 0);
    this.drawBadges(ctx, nowMs);
    return drawn;
  }

  /** Each recent loss burst's count, under the place it burst from. */
  private drawBadges(ctx: CanvasRenderingContext2D, nowMs: number): void {
    if (this.bursts.length === 0) return;
    this.bursts = this.bursts.filter((b) => nowMs - b.t0 < BADGE_MS);
    ctx.save();
    ctx.scale(this.dpr, this.dpr);
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    for (const b of this.bursts) {
      const text = `${b.count.toLocaleString('en-US')} lost`;
      const w = ctx.measureText(text).width + 10;
      const x = b.inside ? b.box.x + b.box.w - w - 6 : b.box.x + b.box.w / 2 - w / 2;
      const y = b.inside ? b.box.y + b.box.h / 2 : b.box.y + b.box.h + 22;
      ctx.fillStyle = STATE_COLOURS.lost;
      ctx.beginPath();
      ctx.roundRect(x, y - 8, w, 16, 8);
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      ctx.fillText(text, x + 5, y);
    }
    ctx.restore();
  }

  /** The loss badges on screen, as words (for screen readers): `1,929 lost at orders`. */
  lossBadges(): string[] {
    return this.bursts.map((b) => `${b.count.toLocaleString('en-US')} lost at ${b.place}`);
  }

  /** Pixel offsets of a filled disc (and a ring around it) for a row width. */
  private buildStamps(width: number): void {
    const r = DOT_RADIUS * this.dpr;
    const disc: number[] = [];
    const ring: number[] = [];
    const halo: number[] = [];
    const R = Math.ceil(r + 3.5 * this.dpr);
    for (let dy = -R; dy <= R; dy++)
      for (let dx = -R; dx <= R; dx++) {
        const d = Math.hypot(dx, dy);
        if (d <= r) disc.push(dy * width + dx);
        else if (d <= r + 1) ring.push(dy * width + dx);
        else if (d >= r + 2 * this.dpr && d <= r + 3.5 * this.dpr) halo.push(dy * width + dx);
      }
    this.stamp = Int32Array.from(disc);
    this.ring = Int32Array.from(ring);
    this.halo = Int32Array.from(halo);
  }

  /** The message under a point (within a few pixels), as sender and sequence. */
  hit(x: number, y: number, nowMs: number): { sender: number; seq: number } | null {
    let best = -1;
    let bestD = 64;
    for (let i = 0; i < this.capacity; i++) {
      if (!this.alive[i]) continue;
      if (!this.place(i, nowMs)) continue;
      const d = (this.atX - x) ** 2 + (this.atY - y) ** 2;
      if (d < bestD && this.seq[i] >= 0) {
        bestD = d;
        best = i;
      }
    }
    return best < 0 ? null : { sender: this.sender[best], seq: this.seq[best] };
  }

  /**
   * Where dot i is at dot-clock time nowMs, into atX/atY (no allocation); false before it sets off.
   * Cubic Bézier with horizontal tangents: a smooth S between the two boxes. With reduced motion
   * a dot jumps from start to end halfway through its time.
   */
  private place(i: number, nowMs: number): boolean {
    let p = (nowMs - this.t0[i]) / this.dur[i];
    if (p < 0) return false;
    if (p > 1) p = 1;
    if (this.reducedMotion) p = p < 0.5 ? 0 : 1;
    const x0 = this.x0[i];
    const x1 = this.x1[i];
    const dx = (x1 - x0) * 0.5 * this.bend[i];
    const u = 1 - p;
    const b0 = u * u * u;
    const b1 = 3 * u * u * p;
    const b2 = 3 * u * p * p;
    const b3 = p * p * p;
    this.atX = b0 * x0 + b1 * (x0 + dx) + b2 * (x1 - dx) + b3 * x1;
    this.atY = (b0 + b1) * this.y0[i] + (b2 + b3) * this.y1[i];
    return true;
  }

  private travelMs(): number {
    const hop = this.model?.hopUs ?? 0;
    const ms = hop / this.usPerMs;
    return Math.min(MAX_TRAVEL_MS, Math.max(MIN_TRAVEL_MS, Number.isFinite(ms) ? ms : 0));
  }

  private spawnEdge(
    a: Box | undefined,
    b: Box | undefined,
    colour: number,
    ev: EventColumns,
    i: number,
  ): void {
    if (!a || !b) return;
    const j = this.take();
    if (j < 0) return;
    const jitter = (((ev.seq[i] * 2654435761) >>> 0) % 9) - 4;
    this.x0[j] = a.x + a.w;
    this.y0[j] = a.y + a.h / 2 + jitter * Math.min(1, a.h / 40);
    this.x1[j] = b.x;
    this.y1[j] = b.y + b.h / 2 + jitter * Math.min(1, b.h / 40);
    if (this.x1[j] < this.x0[j]) {
      // A target to the left (a chain looping back): leave and enter from the sides facing it.
      this.x0[j] = a.x;
      this.x1[j] = b.x + b.w;
    }
    this.bend[j] = 1;
    this.finishSpawn(j, colour, ev, i, this.travelMs());
  }

  /** One more loss at a place and instant: a dot of the burst (up to BURST_DOTS) and the count. */
  private burst(box: Box, place: string, inside: boolean, ev: EventColumns, i: number): void {
    const t = ev.timeUs[i];
    let b = this.bursts.find((x) => x.box === box && x.timeUs === t);
    if (b === undefined) {
      b = { box, place, inside, timeUs: t, count: 0, t0: this.nowMs };
      this.bursts.push(b);
      if (this.bursts.length > MAX_BURSTS) this.bursts.shift();
    }
    if (b.count < BURST_DOTS) {
      const j = this.take();
      if (j >= 0) {
        // Fanned out from the box's centre, one direction per dot: downwards out of a queue,
        // to the right out of an instance (its neighbours are above and below it).
        const spread = ((b.count % BURST_DOTS) / (BURST_DOTS - 1) - 0.5) * 2.6;
        const angle = inside ? spread * 0.5 + Math.PI / 2 : spread;
        const cx = box.x + box.w / 2;
        const cy = box.y + box.h / 2;
        this.x0[j] = cx;
        this.y0[j] = cy;
        this.x1[j] = cx + Math.sin(angle) * (box.w / 2 + 18);
        this.y1[j] = cy + Math.cos(angle) * Math.min(box.h / 2 + 18, inside ? box.h / 2 : Infinity);
        this.bend[j] = 0;
        this.finishSpawn(j, LOST, ev, i, MIN_TRAVEL_MS * 4);
      }
    }
    b.count++;
  }

  /** A short move out of a box: to the right (done), downwards (gone) or upwards (refused). */
  private spawnOut(a: Box, colour: number, ev: EventColumns, i: number, down: number): void {
    const j = this.take();
    if (j < 0) return;
    const cx = a.x + a.w - 8;
    const cy = a.y + a.h / 2;
    this.x0[j] = cx;
    this.y0[j] = cy;
    this.x1[j] = down === 0 ? cx + 24 : cx;
    this.y1[j] = down === 0 ? cy : cy + down * 26;
    this.bend[j] = 0;
    this.finishSpawn(j, colour, ev, i, MIN_TRAVEL_MS * 1.5);
  }

  private finishSpawn(j: number, colour: number, ev: EventColumns, i: number, durMs: number): void {
    this.colour[j] = this.tint(colour, ev, i);
    this.sender[j] = ev.sender[i];
    this.seq[j] = ev.seq[i];
    this.t0[j] = this.nowMs;
    this.dur[j] = durMs;
    this.alive[j] = 1;
    this.spawned++;
  }

  /** A dot in flow takes its message's class colour when dots are coloured by class. */
  private tint(colour: number, ev: EventColumns, i: number): number {
    if (this.colourBy === 'state' || (colour !== FIRST && colour !== REDELIVERY)) return colour;
    const classes = this.colourBy === 'routingKey' ? ev.keyClass : ev.priorityClass;
    const k = i < classes.length ? classes[i] : 0;
    return k > 0 ? CLASS_BASE + k - 1 : colour;
  }

  private take(): number {
    if (this.freeCount === 0) {
      this.overflow++;
      return -1;
    }
    return this.free[--this.freeCount];
  }

  private release(i: number): void {
    this.alive[i] = 0;
    this.free[this.freeCount++] = i;
  }
}

/** Relative luminance of a #rrggbb colour (WCAG), 0 black .. 1 white. */
function luminance(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const x = c / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((v >> 16) & 255) + 0.7152 * lin((v >> 8) & 255) + 0.0722 * lin(v & 255);
}

/** A #rrggbb colour as an opaque pixel in ImageData's byte order (little-endian RGBA). */
function packed(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  const r = (v >> 16) & 255;
  const g = (v >> 8) & 255;
  const b = v & 255;
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
