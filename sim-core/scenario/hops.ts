// A scenario's network latency per kind of hop: `network.latency` is one distribution for every
// hop, or a map of one per kind (publish, deliver, ack, replicate).

import type { Dist, HopKind, Network } from './types';

/** A hop's latency: the one distribution for every hop, or its kind's. */
export function hopLatency(n: Network, hop: HopKind): Dist {
  return 'kind' in n.latency ? n.latency : n.latency[hop];
}

/** Whether no hop takes any time (every hop's latency is the constant 0). */
export function noLatency(n: Network): boolean {
  const zero = (d: Dist) => d.kind === 'constant' && d.value === 0;
  return 'kind' in n.latency ? zero(n.latency) : Object.values(n.latency).every(zero);
}
