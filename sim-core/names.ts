// The names behind every index an event carries (senders, internal queues, instances,
// channels), from the scenario alone: a trace writer or test reads events with these, never
// with the engine.

import type { Scenario } from './scenario/types';
import { buildTopology } from './model/topology';

export interface RunNames {
  /** Message senders: producers, then consumers that emit (`web`, `billing`). */
  senders: string[];
  /** Internal queues: queues, topic subscriptions (`events/billing`), log groups (`ledger/audit`). */
  queues: string[];
  /** Consumer instances (`workers#2`). */
  instances: string[];
  /** Channel ids. */
  channels: string[];
}

/** Names by index, in the engine's index order. */
export function runNames(s: Scenario): RunNames {
  const topo = buildTopology(s);
  return {
    senders: topo.senderNames,
    queues: topo.queues.map((q) => q.name),
    instances: topo.instances.map((i) => i.name),
    channels: s.channels.map((c) => c.id),
  };
}
