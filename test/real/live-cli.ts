// Shared by the live-broker tests: the built CLI as a child process, scenario files in a
// temporary folder, and `real` / `run` reports parsed from their JSON.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { Report } from '../../sim-core/index';
import type { RealReport } from '../../bench/real/real-report';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bench/bin/brokerlab.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

/** A temporary folder for this test file, removed after it. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-live-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let n = 0;
export function scenarioFile(dir: string, text: string, ext = 'yaml'): string {
  const f = join(dir, `s${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
}

/** `brokerlab real FILE --broker URL --format json`, which must succeed silently. */
export async function real(url: string, file: string, ...more: string[]): Promise<RealReport> {
  const r = await cli(['real', file, '--broker', url, '--format', 'json', ...more]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as RealReport;
}

export async function simulated(file: string, ...more: string[]): Promise<Report> {
  const r = await cli(['run', file, '--format', 'json', ...more]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

/** competingScenario's `extra`: workers#1 SIGKILLed at 1.5 s, restarted 1 s later. */
export const CRASH = "faults:\n  - { at: 1500ms, crash: 'workers#1', restart: 1s }\n";

/**
 * Three workers (prefetch 5, 8 ms exponential service) on one queue at 150 msg/s for 4 s,
 * with the queue's own options (`queue`, e.g. `, ackTimeout: 1s`) and more YAML after it.
 */
export function competingScenario(o: {
  name: string;
  seed: number;
  queue?: string;
  extra?: string;
}) {
  return `
name: ${o.name}
seed: ${o.seed}
duration: 4s
warmup: 1s
producers:
  - { id: web, to: orders, rate: { kind: poisson, perSecond: 150 } }
channels:
  - { id: orders, kind: queue${o.queue ?? ''} }
consumers:
  - id: workers
    from: orders
    instances: 3
    prefetch: 5
    service: { kind: exponential, mean: 8 }
${o.extra ?? ''}`;
}

/** The competing-consumers checks: run's fields, the simulator's publishes, each message once. */
export function expectEveryMessageOnce(live: RealReport, sim: Report, kind: string, url: string) {
  for (const k of Object.keys(sim)) expect(live).toHaveProperty(k);
  expect(live.traceHash).toBeNull();
  expect(live.backend).toMatchObject({ kind, url });
  expect(live.backend.version).toMatch(/^\d+\.\d+/);
  const t = live.totals;
  // The same seeded arrivals as the simulation: the same number of publishes.
  expect(t.published).toBe(sim.totals.published);
  expect(t.lost).toBe(0);
  expect(t.duplicatesProcessed).toBe(0);
  expect(t.redelivered).toBe(0);
  expect(t.processed + t.pendingAtEnd).toBe(t.enqueued);
  expect(live.checks.conservation).toBe(true);
  // 150 msg/s over three 8 ms servers (ρ = 0.4): latencies of milliseconds, not seconds.
  expect(live.latency.endToEnd.p50).toBeGreaterThan(5);
  expect(live.latency.endToEnd.p50).toBeLessThan(60);
}

/** After one SIGKILL of a manual-ack consumer: redeliveries, nothing lost, every copy accounted. */
export function expectCrashRedelivered(live: RealReport, atLeast: number) {
  const t = live.totals;
  expect(live.consumers.workers.crashes).toBe(1);
  expect(t.redelivered).toBeGreaterThanOrEqual(atLeast);
  expect(t.lost).toBe(0);
  expect(t.processed - t.duplicatesProcessed + t.pendingAtEnd).toBe(t.enqueued);
}
