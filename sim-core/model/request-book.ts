// A producer's requests (request–reply), by sequence number: when each was sent and whether it
// is pending, replied, timed out or replied late. Typed arrays, grown by doubling: 9 bytes per
// request, nothing per reply.

const PENDING = 1;
export const REPLIED = 2;
const TIMED_OUT = 3;
export const LATE = 4;
const FAILED = 5;

/** One producer's outstanding and settled requests, by sequence number. */
export class RequestBook {
  /** When each request was sent (µs), and where it stands (0: never sent). */
  private sentUs = new Float64Array(1024);
  private status = new Uint8Array(1024);

  constructor(readonly timeoutUs: number) {}

  open(seq: number, nowUs: number): void {
    if (seq >= this.status.length) this.grow(seq);
    this.sentUs[seq] = nowUs;
    this.status[seq] = PENDING;
  }

  sentAt(seq: number): number {
    return this.sentUs[seq];
  }

  /** Settles a reply: REPLIED (in time), LATE (after the timeout), or 0 (dropped). */
  reply(seq: number): number {
    const was = this.status[seq];
    const now = was === PENDING ? REPLIED : was === TIMED_OUT ? LATE : 0;
    if (now !== 0) this.status[seq] = now;
    return now;
  }

  /** Whether the request was still waiting when its call failed (it is settled now). */
  fail(seq: number): boolean {
    if (this.status[seq] !== PENDING) return false;
    this.status[seq] = FAILED;
    return true;
  }

  /** Whether the request was still waiting when its timeout came (it is given up on now). */
  timeOut(seq: number): boolean {
    if (this.status[seq] !== PENDING) return false;
    this.status[seq] = TIMED_OUT;
    return true;
  }

  private grow(seq: number): void {
    let n = this.status.length;
    while (n <= seq) n *= 2;
    const sent = new Float64Array(n);
    sent.set(this.sentUs);
    const status = new Uint8Array(n);
    status.set(this.status);
    this.sentUs = sent;
    this.status = status;
  }
}
