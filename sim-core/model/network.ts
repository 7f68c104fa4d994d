// The network between clients and the broker: sampled hop latency and losses on FIFO links.
// A link never reorders (an arrival is never before the link's last one) and a partition holds
// traffic back until it heals rather than losing it.

import type { Rng } from '../random';
import type { InstanceRt, ProducerRt } from './entities';
import type { State } from './state';

/** One sampled hop latency in µs. */
export function hopDelay(st: State, rng: Rng): number {
  return st.hop.sampleUs(rng);
}

/**
 * Arrival time of a message sent at nowUs on a FIFO link whose last arrival was lastUs; a
 * partition holds traffic back until it heals (TCP retransmits rather than loses it).
 */
export function hopArrival(
  st: State,
  nowUs: number,
  lastUs: number,
  rng: Rng,
  heldUntilUs: number,
): number {
  let t = nowUs + st.hop.sampleUs(rng);
  if (t < heldUntilUs) t = heldUntilUs;
  return t > lastUs ? t : lastUs;
}

/** Arrival time at the broker of an ack, commit or emit sent now by an instance. */
export function toBrokerArrival(st: State, nowUs: number, inst: InstanceRt): number {
  inst.linkToBrokerUs = hopArrival(
    st,
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

/** Whether a hop from this instance, now, runs inline: zero latency and no partition. */
export function inlineHop(st: State, nowUs: number, heldUntilUs: number): boolean {
  return st.zeroLatency && heldUntilUs <= nowUs;
}

/** Whether the instance serves a direct channel (it has no broker connection). */
export function isDirect(st: State, inst: InstanceRt): boolean {
  return inst.queue >= 0 && st.queues[inst.queue].directTimeoutUs >= 0;
}
