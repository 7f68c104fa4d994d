// Kafka's idempotent producer with an in-flight limit: the broker keeps each key's publishes in
// sequence order. A keyed publish is taken only after every earlier one of its key has been
// (or was given up); one that overtook an earlier one is nacked, and the producer sends it again.

import type { PendingPublish, ProducerRt } from './entities';

/** The broker has accepted rec (or it was given up): later ones of its key may go in. */
export function accepted(p: ProducerRt, rec: PendingPublish): void {
  const seqs = p.unaccepted.get(rec.key);
  const i = seqs === undefined ? -1 : seqs.indexOf(rec.seq);
  if (i >= 0) seqs!.splice(i, 1);
}

/** Whether rec overtook an earlier publish of its key that the broker has not accepted yet. */
export function outOfOrder(p: ProducerRt, rec: PendingPublish): boolean {
  if (!p.ordered || rec.key < 0) return false;
  const seqs = p.unaccepted.get(rec.key);
  return seqs !== undefined && seqs.length > 0 && seqs[0] !== rec.seq;
}

/**
 * The broker lost rec's accepted record before confirming it (a failover truncated it): until it
 * is taken again, later publishes of its key must wait for it, as they did the first time.
 */
export function unaccepted(p: ProducerRt, rec: PendingPublish): void {
  if (!p.ordered || rec.key < 0) return;
  const seqs = p.unaccepted.get(rec.key);
  if (seqs === undefined) return void p.unaccepted.set(rec.key, [rec.seq]);
  if (seqs.includes(rec.seq)) return;
  let i = seqs.length;
  while (i > 0 && seqs[i - 1] > rec.seq) i--;
  seqs.splice(i, 0, rec.seq);
}
