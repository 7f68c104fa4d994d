// The topology as the lab draws it: producers, channels (with their internal queues: topic
// subscriptions, log groups), consumers and their instances, with the engine's indices so that
// events (which carry indices) land on the right node.

import type { Channel, State } from '../../sim-core/index';
import { compileDist, hopLatency } from '../../sim-core/index';
import type { TopologyModel } from '../shared/protocol';
import type { MessageClasses } from './message-classes';

/** The lab's picture of a run's topology, read once from the engine's freshly built state. */
export function topologyModel(
  e: State,
  durationUs: number,
  classes: MessageClasses,
): TopologyModel {
  const s = e.scenario;
  const topo = e.topo;
  const queueLabel = new Map<number, string>();
  const channels: TopologyModel['channels'] = s.channels.map((ch, ci) => {
    const queues =
      ch.kind === 'log'
        ? e.groups.filter((g) => g.log.channel === ci).map((g) => g.target)
        : topo.channelTargets[ci].slice();
    if (ch.kind === 'topic')
      ch.subscriptions.forEach((sub, k) => queueLabel.set(queues[k], sub.id));
    if (ch.kind === 'log')
      e.groups.filter((g) => g.log.channel === ci).forEach((g) => queueLabel.set(g.target, g.name));
    const index = (id: string) => s.channels.findIndex((c) => c.id === id);
    return {
      id: ch.id,
      kind: ch.kind,
      queues,
      bindings:
        ch.kind === 'exchange'
          ? ch.bindings.map((b) => ({
              to: index(b.to),
              label:
                b.key ??
                (b.headers === null
                  ? ''
                  : Object.entries(b.headers)
                      .map(([k, v]) => `${k}=${String(v)}`)
                      .join(b.match === 'any' ? ' | ' : ', ')),
            }))
          : [],
      alternate: ch.kind === 'exchange' && ch.alternate !== null ? index(ch.alternate) : -1,
      exchangeType: ch.kind === 'exchange' ? ch.type : '',
      partitions: ch.kind === 'log' ? ch.partitions : 0,
      deadLetter: queues.map((q) => e.queues[q].deadLetterChannel),
      tag: channelTag(ch),
    };
  });
  const queues = e.queues.map((q) => ({
    name: q.name,
    channel: channelOfQueue(channels, q.index),
    label: queueLabel.get(q.index) ?? q.name,
  }));
  const groupOf = (instance: number) => e.groups.findIndex((g) => g.members.includes(instance));
  const consumers = e.consumers.map((c, ci) => {
    const first = c.instances[0] ?? -1;
    const group = first >= 0 ? groupOf(first) : -1;
    return {
      id: s.consumers[ci].id,
      queue: group >= 0 ? e.groups[group].target : first >= 0 ? e.instances[first].queue : -1,
      instances: c.instances.slice(),
      emits: c.emitChannels.filter((x) => x >= 0),
      group,
    };
  });
  const instances = e.instances.map((inst, i) => ({
    name: topo.instances[i].name,
    consumer: inst.consumer,
    queue: consumers[inst.consumer].queue,
  }));
  const senders = topo.senderNames.map((name, i) => {
    const producer = i < s.producers.length ? i : -1;
    const consumer = producer >= 0 ? -1 : e.consumers.findIndex((c) => c.sender === i);
    return {
      name,
      kind: producer >= 0 ? ('producer' as const) : ('consumer' as const),
      producer,
      consumer,
    };
  });
  return {
    senders,
    producers: s.producers.map((p, i) => ({
      id: p.id,
      channel: e.producers[i].channel,
      requests: p.request !== null,
      confirms: p.confirm !== null,
      batches: p.batch !== null,
    })),
    channels,
    queues,
    consumers,
    instances,
    groups: e.groups.map((g) => ({
      name: g.name,
      channel: g.log.channel,
      target: g.target,
      partitions: g.log.partitions,
    })),
    classes: { routingKey: classes.keys.slice(), priority: classes.priorities.slice() },
    colourBy: s.lesson?.colourBy ?? null,
    hopUs: Math.round(compileDist(hopLatency(s.network, 'deliver')).mean * 1000),
    durationUs,
    nodes: e.cluster.nodes.map((n) => n.name),
  };
}

function channelOfQueue(channels: TopologyModel['channels'], q: number): number {
  return channels.findIndex((c) => c.queues.includes(q));
}

/** The tag the lab shows beside a channel's name: its kind, or how it is replicated. */
function channelTag(ch: Channel): string {
  if (ch.kind === 'exchange') return ch.type;
  if (ch.kind === 'queue' && ch.type === 'quorum') return 'quorum';
  if (ch.kind === 'log' && ch.replicationFactor > 1) return `log ×${ch.replicationFactor}`;
  return ch.kind;
}
