// Names of what an event refers to, for the inspector, the event log and the anomaly list.

import { EVENT_KINDS, Ev } from '../../sim-core/index';
import type { TopologyModel } from '../shared/protocol';

/** The node an event's `where` indexes (EVENT_KINDS says what kind of node), or ''. */
export function whereName(model: TopologyModel | null, kind: number, where: number): string {
  if (!model) return '';
  const w = EVENT_KINDS[kind - 1]?.where;
  if (where < 0) return kind === Ev.crashed || kind === Ev.recovered ? 'broker' : '';
  if (w === 'producer') return model.senders[where]?.name ?? '';
  if (w === 'instance') return model.instances[where]?.name ?? '';
  if (w === 'channel') return model.channels[where]?.id ?? '';
  return model.queues[where]?.name ?? '';
}

/** A message's id as the inspector takes it (`sender:sequence`), or '' for none. */
export function messageId(model: TopologyModel | null, sender: number, seq: number): string {
  const s = sender >= 0 ? model?.senders[sender] : undefined;
  return s && seq >= 0 ? `${s.name}:${seq}` : '';
}
