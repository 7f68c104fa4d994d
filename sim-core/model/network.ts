// The network between clients and the broker: sampled hop latency and losses on FIFO links.
// A link never reorders (an arrival is never before the link's last one) and a partition holds
// traffic back until it heals rather than losing it.

import type { DurationSampler, Rng } from '../random';
import type { InstanceRt, ProducerRt } from './entities';
import type { State } from './state';

/**
 * Arrival time of a message sent at nowUs on a FIFO link whose last arrival was lastUs; a
 * partition holds traffic back until it heals (TCP retransmits rather than loses it).
 */
export function hopArrival(
  hop: DurationSampler,
  nowUs: number,
  lastUs: number,
  rng: Rng,
  heldUntilUs: number,
): number {
  let t = nowUs + hop.sampleUs(rng);
  if (t < heldUntilUs) t = heldUntilUs;
  return t > lastUs ? t : lastUs;
}

/** Arrival time at the broker of an ack, commit, reply or emit sent now by an instance. */
export function toBrokerArrival(st: State, nowUs: number, inst: InstanceRt): number {
  inst.linkToBrokerUs = hopArrival(
    st.hopAck,
    nowUs,
    inst.linkToBrokerUs,
    inst.rngNet,
    inst.partitionUntilUs,
  );
  return inst.linkToBrokerUs;
}

/** Whether the network loses this ack (or commit). */
export function lostAck(st: State, inst: InstanceRt): boolean {
  return st.ackLoss > 0 && inst.rngAckLoss.nextFloat() < st.ackLoss;
}

/** Whether the network loses this publisher confirm. */
export function lostConfirm(st: State, p: ProducerRt): boolean {
  return st.confirmLoss > 0 && p.rngConfirmLoss.nextFloat() < st.confirmLoss;
}

/** Whether a hop of this kind runs inline now: zero latency and no partition holding it. */
export function inlineHop(hop: DurationSampler, nowUs: number, heldUntilUs: number): boolean {
  return hop.isZero && heldUntilUs <= nowUs;
}

/** Whether the instance serves a direct channel (it has no broker connection). */
export function isDirect(st: State, inst: InstanceRt): boolean {
  return inst.queue >= 0 && st.queues[inst.queue].directTimeoutUs >= 0;
}
