// The live brokers `real` and `calibrate` can play a scenario on, chosen by the URL's scheme,
// and what each refuses before anything is published.

import type { Scenario } from '../../sim-core/index';
import { UsageError } from '../cli/errors';
import { refusals } from './refusals';
import { runOnRabbit } from './amqp-run';
import type { RealOptions, RealRun } from './amqp-run';

export type BackendKind = 'rabbitmq' | 'nats';

export function backendOf(url: string | undefined): BackendKind {
  if (url === undefined)
    throw new UsageError(['--broker: required (amqp://127.0.0.1:5672 or nats://127.0.0.1:4222)']);
  if (/^amqps?:\/\//.test(url)) return 'rabbitmq';
  if (/^nats:\/\//.test(url)) return 'nats';
  throw new UsageError([`--broker: must be an amqp:// or nats:// URL (got "${url}")`]);
}

/** Throws a UsageError naming every field the backend cannot play. */
export function checkPlayable(s: Scenario, kind: BackendKind): void {
  const refused = refusals(s, kind);
  if (kind === 'nats')
    refused.push({
      path: 'broker',
      message: 'NATS JetStream: `brokerlab real` cannot play it yet',
    });
  if (refused.length > 0) throw new UsageError(refused.map((x) => `${x.path}: ${x.message}`));
}

export function runOnBroker(kind: BackendKind, s: Scenario, o: RealOptions): Promise<RealRun> {
  return runOnRabbit(s, o);
}
