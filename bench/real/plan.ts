// What `brokerlab real` publishes, and where each publish goes: the engine's own producer
// objects draw the arrival instants, keys, sizes, routing keys, headers and priorities from the
// same seeded streams as a simulated run, and the engine's router says which queues a publish
// reaches. So a live run and a simulated run of one (scenario, seed) see the same messages.

import { State, fmix32, murmurString } from '../../sim-core/index';
import type { Headers, ProducerRt, Scenario } from '../../sim-core/index';

export interface PlannedMessage {
  producer: number;
  /** 1, 2, 3, … per producer, as in the engine. */
  seq: number;
  /** `web:42`: the engine's message id, carried as the AMQP message id. */
  id: string;
  /** The intended send instant, µs after the run's start. */
  atUs: number;
  /** The ordering key, or −1 for none. */
  key: number;
  size: number;
  routingKey: string;
  headers: Headers | null;
  priority: number;
  /** The internal queues (State.topo.queues indices) a publish reaches; empty: unroutable. */
  queues: ArrayLike<number>;
}

/** The sender hash the engine feeds `messageUniform` with (poison is decided per message id). */
export function senderKey(name: string): number {
  return fmix32(murmurString(0, name));
}

export class PublishPlan {
  readonly st: State;
  private readonly nextAt: number[];
  private readonly endUs: number;

  constructor(
    readonly scenario: Scenario,
    readonly seed: number,
    durationMs: number,
  ) {
    this.st = new State(scenario, seed);
    this.endUs = durationMs * 1000;
    this.nextAt = this.st.producers.map((p) => this.draw(p));
  }

  private draw(p: ProducerRt): number {
    const t = p.remaining > 0 ? p.arrivals.next(p.rngArrivals) : Infinity;
    return t >= p.stopUs || t >= this.endUs ? Infinity : t;
  }

  /** The queues a publish from producer p with label `label` reaches. */
  private targets(p: ProducerRt, label: number): ArrayLike<number> {
    const st = this.st;
    return st.routedChannel[p.channel]
      ? st.router!.route(p.channel, label).queues
      : st.topo.channelTargets[p.channel];
  }

  /** The next publish of any producer in time order (ties: the first producer), or null. */
  next(): PlannedMessage | null {
    let i = -1;
    for (let k = 0; k < this.nextAt.length; k++)
      if (this.nextAt[k] !== Infinity && (i < 0 || this.nextAt[k] < this.nextAt[i])) i = k;
    if (i < 0) return null;
    const p = this.st.producers[i];
    const def = this.scenario.producers[i];
    const atUs = this.nextAt[i];
    p.remaining--;
    const seq = ++p.seq;
    const key = p.keys.next(p.rngKeys);
    const size = p.size.sample(p.rngSize);
    const label = p.labels === null ? -1 : p.nextLabel();
    const priority = p.nextPriority();
    this.nextAt[i] = this.draw(p);
    const l = label < 0 ? null : this.st.router!.labels[label];
    return {
      producer: i,
      seq,
      id: `${def.id}:${seq}`,
      atUs,
      key,
      size,
      routingKey: l?.key ?? def.id,
      headers: l?.headers ?? null,
      priority,
      queues: this.targets(p, Math.max(0, label)),
    };
  }
}
