// The network between clients and the broker: sampled hop latency and losses on FIFO links.
// A link never reorders (an arrival is never before the link's last one) and a partition holds
// traffic back until it heals rather than losing it.

import { compileDist } from '../random';
import type { Rng, Sampler } from '../random';
import type { Engine } from './engine';
import { toUs } from './runtime';
import type { InstanceRt, ProducerRt } from './runtime';

export class Network {
  readonly latency: Sampler;
  /** Constant zero latency: hops are handled inline, at the same time, with no heap entry. */
  readonly zeroLatency: boolean;
  private readonly ackLoss: number;
  private readonly confirmLoss: number;

  constructor(private readonly e: Engine) {
    const net = e.scenario.network;
    const lat = net.latency;
    this.latency = compileDist(lat);
    this.zeroLatency = lat.kind === 'constant' && lat.value === 0;
    this.ackLoss = net.ackLoss;
    this.confirmLoss = net.confirmLoss;
  }

  /** One sampled hop latency in µs. */
  hopDelay(rng: Rng): number {
    return toUs(this.latency.sample(rng));
  }

  /**
   * Arrival time of a message sent now on a FIFO link whose last arrival was lastUs; a partition
   * holds traffic back until it heals (TCP retransmits rather than loses it).
   */
  hopArrival(lastUs: number, rng: Rng, heldUntilUs: number): number {
    let t = this.e.kernel.nowUs + toUs(this.latency.sample(rng));
    if (t < heldUntilUs) t = heldUntilUs;
    return t > lastUs ? t : lastUs;
  }

  /** Arrival time at the broker of an ack or commit sent now by an instance. */
  ackArrival(inst: InstanceRt): number {
    inst.linkToBrokerUs = this.hopArrival(inst.linkToBrokerUs, inst.rngNet, inst.partitionUntilUs);
    return inst.linkToBrokerUs;
  }

  /** Whether the network loses this ack (or commit). */
  lostAck(inst: InstanceRt): boolean {
    return this.ackLoss > 0 && inst.rngAckLoss.nextFloat() < this.ackLoss;
  }

  /** Whether the network loses this publisher confirm. */
  lostConfirm(p: ProducerRt): boolean {
    return this.confirmLoss > 0 && p.rngConfirmLoss.nextFloat() < this.confirmLoss;
  }
}
