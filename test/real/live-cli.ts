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
