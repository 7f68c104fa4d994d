// globalSetup of the live-broker tests (project `real`): starts a private RabbitMQ node and a
// NATS JetStream server on 127.0.0.1 only, each with a fresh data directory in /tmp and ports of
// its own (so a broker a developer already runs is left alone), waits until each answers, hands
// their URLs to the tests, and stops both at the end. A broker that cannot start fails the run:
// a live-broker test never skips silently.
import type { TestProject } from 'vitest/node';
import { startRabbit, startNats } from './local-brokers';
import type { LocalBroker } from './local-brokers';

declare module 'vitest' {
  export interface ProvidedContext {
    amqpUrl: string;
    natsUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: LocalBroker[] = [];
  const stopAll = async () => {
    for (const b of started.reverse()) await b.stop();
  };
  try {
    const [rabbit, nats] = await Promise.all([
      startRabbit({ port: 5679 }).then((b) => (started.push(b), b)),
      startNats({ port: 4229 }).then((b) => (started.push(b), b)),
    ]);
    console.log(`live brokers: ${rabbit.description}; ${nats.description}`);
    project.provide('amqpUrl', rabbit.url);
    project.provide('natsUrl', nats.url);
  } catch (e) {
    await stopAll();
    throw e;
  }
  return stopAll;
}
