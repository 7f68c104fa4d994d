// The live brokers `real` and `calibrate` can play a scenario on, chosen by the URL's scheme,
// and what each refuses before anything is published.

import type { Scenario } from '../../sim-core/index';
import { UsageError } from '../cli/errors';
import { refusals } from './refusals';
import { runLive } from './live-run';
import type { RealOptions, RealRun } from './live-run';
import { openRabbit } from './amqp-broker';
import { openNats } from './nats-broker';

import type { BackendKind } from './refusals';
export type { BackendKind };

export function backendOf(url: string | undefined): BackendKind {
  if (url === undefined)
    throw new UsageError(['--broker: required (amqp://127.0.0.1:5672 or nats://127.0.0.1:4222)']);
  if (/^amqps?:\/\//.test(url)) return 'rabbitmq';
  if (/^nats:\/\//.test(url)) return 'nats';
  throw new UsageError([`--broker: must be an amqp:// or nats:// URL (got "${url}")`]);
}

/** Throws a UsageError naming every field (and option) the backend cannot play. */
export function checkPlayable(s: Scenario, kind: BackendKind, nagle: boolean): void {
  const refused = refusals(s, kind);
  if (nagle && kind === 'nats')
    refused.push({ path: '--nagle', message: 'the nats client always sets TCP_NODELAY' });
  if (refused.length > 0) throw new UsageError(refused.map((x) => `${x.path}: ${x.message}`));
}

export function runOnBroker(kind: BackendKind, s: Scenario, o: RealOptions): Promise<RealRun> {
  return runLive(s, o, (sc, prefix, st) =>
    kind === 'rabbitmq'
      ? openRabbit(o.url, o.nagle, sc, prefix, st)
      : openNats(o.url, sc, prefix, st),
  );
}
