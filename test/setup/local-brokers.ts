// Private broker processes for the live-broker tests: Debian's rabbitmq-server and nats-server,
// started directly (not as system services: a policy-rc.d may block those, and a service would
// outlive the tests), bound to 127.0.0.1, with their data in a fresh /tmp folder.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';

const run = promisify(execFile);
const RABBIT_BIN = '/usr/lib/rabbitmq/bin';
const NATS_BIN = '/usr/sbin/nats-server';
const INSTALL = 'run bench/tools/install-system-packages.sh';

export interface LocalBroker {
  url: string;
  /** e.g. "RabbitMQ 3.10.8 at amqp://127.0.0.1:5679" */
  description: string;
  stop(): Promise<void>;
}

// Unreferenced: a timeout left pending by a race must not keep the test run alive.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Polls `answers` until it resolves true, the process dies, or the timeout passes. */
async function waitUntil(
  what: string,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
  answers: () => Promise<boolean>,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${what} exited during startup (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`,
      );
    if (await answers()) return;
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not answer within ${timeoutMs / 1000} s:\n${tail(logFile)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

async function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await Promise.race([new Promise((r) => child.once('exit', r)), sleep(timeoutMs)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** The INFO a NATS server sends every new connection, or null if none answers. */
function natsInfo(port: number): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port });
    let text = '';
    const done = (v: Record<string, unknown> | null) => (s.destroy(), resolve(v));
    s.setTimeout(2000, () => done(null));
    s.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /^INFO (\{.*\})\s*\r?\n/.exec(text);
      if (m) done(JSON.parse(m[1]) as Record<string, unknown>);
    });
    s.once('error', () => done(null));
  });
}

export async function startRabbit({ port }: { port: number }): Promise<LocalBroker> {
  if (!existsSync(`${RABBIT_BIN}/rabbitmq-server`))
    throw new Error(`rabbitmq-server is not installed: ${INSTALL}`);
  if (await portAnswers(port))
    throw new Error(`port ${port} is taken: cannot start RabbitMQ on it`);
  const dir = mkdtempSync('/tmp/brokerlab-rabbitmq-');
  const node = `brokerlab-test-${port}@localhost`;
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${port}`,
      'loopback_users.guest = true',
      // A small test disk must not raise the free-disk alarm, which blocks every publisher.
      'disk_free_limit.absolute = 50MB',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(port + 20000),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
    // Busy-waiting schedulers would spin on an idle 2-core machine (see toolchain.md).
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:
      '-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none',
  };
  const epmdBefore = await portAnswers(4369);
  const logFile = join(dir, 'server.log');
  const out = openSync(logFile, 'a');
  const child = spawn(`${RABBIT_BIN}/rabbitmq-server`, [], {
    env,
    cwd: dir,
    stdio: ['ignore', out, out],
  });
  const url = `amqp://127.0.0.1:${port}`;
  let version = '?';
  await waitUntil('RabbitMQ', child, logFile, 120_000, async () => {
    try {
      const c = await amqp.connect(url);
      version = String(c.connection.serverProperties.version ?? '?');
      await c.close();
      return true;
    } catch {
      return false;
    }
  });
  return {
    url,
    description: `RabbitMQ ${version} at ${url}`,
    async stop() {
      await run(`${RABBIT_BIN}/rabbitmqctl`, ['-n', node, 'stop'], { env }).catch(() => {});
      await exited(child, 30_000);
      // epmd outlives the node; stop it only if it was started for this one.
      if (!epmdBefore) await run('epmd', ['-kill'], { env }).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startNats({ port }: { port: number }): Promise<LocalBroker> {
  if (!existsSync(NATS_BIN)) throw new Error(`nats-server is not installed: ${INSTALL}`);
  if (await portAnswers(port)) throw new Error(`port ${port} is taken: cannot start NATS on it`);
  const dir = mkdtempSync('/tmp/brokerlab-nats-');
  const logFile = join(dir, 'server.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    NATS_BIN,
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'store')],
    {
      stdio: ['ignore', out, out],
    },
  );
  const url = `nats://127.0.0.1:${port}`;
  let version = '?';
  await waitUntil('NATS', child, logFile, 30_000, async () => {
    const info = await natsInfo(port);
    if (info !== null) version = String(info.version ?? '?');
    return info !== null;
  });
  return {
    url,
    description: `NATS ${version} at ${url}`,
    async stop() {
      child.kill('SIGTERM');
      await exited(child, 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
