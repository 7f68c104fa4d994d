// Scheduled faults resolved to entity indices once, before the run: which instances a crash,
// partition or slow-down hits, or the broker, and when.

import type { Fault, Scenario } from '../scenario/types';
import type { Topology } from './topology';
import { msToUs } from '../time';

export interface CompiledFault {
  index: number;
  kind: 'crash' | 'partition' | 'slow' | 'freeze' | 'resetOffsets';
  atUs: number;
  forUs: number;
  /** -1: never restarts. */
  restartUs: number;
  factor: number;
  broker: boolean;
  /** Broker nodes it hits ("broker#2" is node 1). */
  nodes: number[];
  instances: number[];
  producers: number[];
  /** resetOffsets: the group name and where it goes. */
  resetGroup: string | null;
  resetTo: 'earliest' | 'latest';
}

/** Instance indices named by a consumer id (all its instances) or an instance id (`w#2`). */
function instancesOf(name: string, topo: Topology): number[] {
  const out: number[] = [];
  topo.instances.forEach((inst, i) => {
    if (inst.name === name || topo.consumerIndex.get(name) === inst.consumer) out.push(i);
  });
  return out;
}

/** "broker#2" → node index 1. */
function nodeOf(name: string): number {
  return Number(name.slice('broker#'.length)) - 1;
}

export function compileFaults(s: Scenario, topo: Topology): CompiledFault[] {
  return s.faults.map((f, index) => compileFault(f, index, topo));
}

/** One fault resolved to indices; `index` is its place in the run's fault list. */
export function compileFault(f: Fault, index: number, topo: Topology): CompiledFault {
  const base: CompiledFault = {
    index,
    kind: 'crash',
    atUs: msToUs(f.at),
    forUs: 0,
    restartUs: -1,
    factor: 1,
    broker: false,
    nodes: [],
    instances: [],
    producers: [],
    resetGroup: null,
    resetTo: 'earliest',
  };
  if ('crash' in f) {
    base.broker = f.crash === 'broker';
    if (f.crash.startsWith('broker#')) base.nodes.push(nodeOf(f.crash));
    else if (!base.broker) base.instances = instancesOf(f.crash, topo);
    base.restartUs = f.restart === null ? -1 : msToUs(f.restart);
  } else if ('partition' in f) {
    base.kind = 'partition';
    base.forUs = msToUs(f.for);
    for (const name of f.partition) {
      if (name.startsWith('broker#')) {
        base.nodes.push(nodeOf(name));
        continue;
      }
      const p = topo.producerIndex.get(name);
      if (p !== undefined) base.producers.push(p);
      else base.instances.push(...instancesOf(name, topo));
    }
  } else if ('slow' in f) {
    base.kind = 'slow';
    base.forUs = msToUs(f.for);
    base.factor = f.factor;
    base.instances = instancesOf(f.slow, topo);
  } else if ('freeze' in f) {
    base.kind = 'freeze';
    base.forUs = msToUs(f.for);
    base.instances = instancesOf(f.freeze, topo);
  } else {
    base.kind = 'resetOffsets';
    base.resetGroup = f.resetOffsets;
    base.resetTo = f.to;
  }
  return base;
}
