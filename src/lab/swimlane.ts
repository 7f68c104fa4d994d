// A message's life as a sequence diagram: one lane per node it passed through (producer,
// exchange, queue, each consumer instance), one row per event in time order, and an arrow where
// it moved from one lane to the next. The messages its processings published (an event-driven
// chain) are drawn in the same diagram in their own colours, their lanes to the right: a
// publish by an emitting consumer starts on the lane of the instance that processed the parent.

import { EVENT_KINDS, Ev } from '../../sim-core/index';
import type { Lifecycle, LifecycleEntry, TopologyModel } from '../shared/protocol';
import { STATE_COLOURS } from '../topology/palette';
import { whereName } from './event-names';
import { ANOMALY_VIEWS, eventAnomaly } from './anomalies';

export interface SwimRow {
  timeUs: number;
  kind: number;
  /** Index into lanes, and the lane the message came from (−1: it did not move). */
  lane: number;
  from: number;
  /** Index into lives. */
  life: number;
  label: string;
  /** An anomaly's colour (redelivery, duplicate, loss, dead letter, drop), or null. */
  anomaly: string | null;
}

export interface SwimLife {
  id: string;
  /** 0 for the message inspected, 1 for what its processings published, … */
  depth: number;
  parent: string | null;
}

export interface Swimlane {
  lanes: string[];
  lives: SwimLife[];
  rows: SwimRow[];
}

/** An event's anomaly colour (the anomaly list's), or a lost or refused publish's dot colour. */
function anomalyColour(e: LifecycleEntry): string | null {
  const k = eventAnomaly(e.kind, e.aux);
  if (k >= 0) return ANOMALY_VIEWS[k].colour;
  if (e.kind === Ev.publishLost) return STATE_COLOURS.lost;
  if (e.kind === Ev.rejected) return STATE_COLOURS.dropped;
  return null;
}

function label(e: LifecycleEntry): string {
  const name = EVENT_KINDS[e.kind - 1]?.name ?? `event ${e.kind}`;
  if (e.kind === Ev.delivered) return e.aux > 1 ? `redelivered (delivery ${e.aux})` : name;
  if (e.kind === Ev.reprocessed) return 'processed again: a duplicate';
  return name;
}

const isProcessing = (kind: number) => kind === Ev.processed || kind === Ev.reprocessed;

/** The diagram of a life and its chain, up to `untilUs` (the time the lab shows). */
export function swimlane(model: TopologyModel, root: Lifecycle, untilUs: number): Swimlane {
  const lanes: string[] = [];
  const laneIndex = new Map<string, number>();
  const lane = (name: string) => {
    let i = laneIndex.get(name);
    if (i === undefined) {
      i = lanes.length;
      lanes.push(name);
      laneIndex.set(name, i);
    }
    return i;
  };
  const lives: SwimLife[] = [];
  const pending: Array<{
    timeUs: number;
    life: number;
    order: number;
    name: string;
    e: LifecycleEntry;
  }> = [];
  let order = 0;
  const visit = (life: Lifecycle, depth: number, parent: Lifecycle | null) => {
    const index = lives.length;
    lives.push({ id: life.id, depth, parent: life.parent });
    for (const e of life.entries) {
      if (e.timeUs > untilUs) continue;
      let name = whereName(model, e.kind, e.where) || 'broker';
      // An emitting consumer publishes from the instance whose processing led to it.
      if (parent !== null && EVENT_KINDS[e.kind - 1]?.where === 'producer') {
        let by: LifecycleEntry | undefined;
        for (const p of parent.entries) if (isProcessing(p.kind) && p.timeUs <= e.timeUs) by = p;
        if (by !== undefined) name = whereName(model, by.kind, by.where);
      }
      pending.push({ timeUs: e.timeUs, life: index, order: order++, name, e });
    }
    for (const child of life.children) visit(child, depth + 1, life);
  };
  visit(root, 0, null);
  // In time order; at one instant a parent's processing comes before what it published.
  pending.sort((a, b) => a.timeUs - b.timeUs || a.life - b.life || a.order - b.order);
  // Where each life was last, per copy: a topic or an exchange puts copies of one message on
  // several queues at once, each going its own way (its queue's, and that queue's consumers').
  const trails = lives.map(() => ({ shared: -1, copies: new Map<number, number>(), dlq: -1 }));
  const rows: SwimRow[] = pending.map((p) => {
    const at = lane(p.name);
    const trail = trails[p.life];
    const w = EVENT_KINDS[p.e.kind - 1]?.where;
    const copy =
      w === 'queue' ? p.e.where : w === 'instance' ? model.instances[p.e.where].queue : -1;
    let before: number;
    if (copy < 0 || p.e.where < 0) {
      before = trail.shared;
      trail.shared = at;
    } else {
      // A dead-lettered copy comes from the queue that dead-lettered it.
      const deadLetter = p.e.kind === Ev.enqueued && p.e.aux === 2;
      before = deadLetter ? trail.dlq : (trail.copies.get(copy) ?? trail.shared);
      trail.copies.set(copy, at);
      if (p.e.kind === Ev.deadLettered) trail.dlq = at;
    }
    return {
      timeUs: p.timeUs,
      kind: p.e.kind,
      lane: at,
      from: before >= 0 && before !== at ? before : -1,
      life: p.life,
      label: label(p.e),
      anomaly: anomalyColour(p.e),
    };
  });
  return { lanes, lives, rows };
}
