// The lab's engine session: the numbers the browser shows come from the same run as the CLI's,
// however playback slices it, and a live fault replays exactly (reset, share link).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Simulation, Ev, parseScenarioText, validateScenario } from '../../sim-core/index';
import { LabSession } from '../../src/worker/lab-session';

const file = 'examples/crash-duplicates.yaml';
const text = readFileSync(file, 'utf8');

function cliTraceHash(scenarioText: string, seed?: number): string {
  const parsed = parseScenarioText(scenarioText, file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { seed }).run().traceHash;
}

function loaded(seed?: number): LabSession {
  const s = new LabSession();
  const r = s.load(text, file, seed);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return s;
}

describe('lab session', () => {
  it('gives the CLI report whether run at once or in playback slices and steps', () => {
    const expected = cliTraceHash(text, 7);
    const whole = loaded(7).finish();
    expect(whole.report?.traceHash).toBe(expected);

    const s = loaded(7);
    for (let i = 0; i < 25; i++) s.step();
    let t = 0;
    let frame = s.advanceTo(0);
    while (!frame.done) frame = s.advanceTo((t += 1_234_567), { budgetMs: 5 });
    expect(frame.report?.traceHash).toBe(expected);
    expect(frame.report?.totals).toEqual(whole.report?.totals);
  });

  it('returns at a fractional target without spending its time budget', () => {
    const s = loaded();
    const frame = s.advanceTo(1_000_000.4, { budgetMs: 5_000 });
    expect(frame.nowUs).toBe(1_000_000);
    // Reaching the target is the end of the call; the budget is a cap, not a wait.
    expect(s.timing.engineMs).toBeLessThan(2_000);
  });

  it('sends every event once across frames, and a stable 1-in-N sample of messages', () => {
    const s = loaded();
    const all = s.advanceTo(5_000_000).events.count + s.advanceTo(10_000_000).events.count;
    const again = loaded();
    const sampled = again.advanceTo(10_000_000, { sampleEvery: 4 }).events;
    expect(all).toBeGreaterThan(10_000);
    // A quarter of the messages, within 5 standard errors of a binomial draw.
    const messageEvents = Array.from(sampled.seq).filter((q) => q >= 0).length;
    expect(Math.abs(messageEvents / all - 0.25)).toBeLessThan(0.02);
    // A kept message keeps its whole journey: publish, enqueue, deliver, process.
    const kinds = new Map<string, Set<number>>();
    for (let i = 0; i < sampled.count; i++) {
      if (sampled.seq[i] < 0) continue;
      const id = `${sampled.sender[i]}:${sampled.seq[i]}`;
      if (!kinds.has(id)) kinds.set(id, new Set());
      kinds.get(id)!.add(sampled.kind[i]);
    }
    const early = [...kinds.values()].slice(0, 200);
    for (const k of early) expect(k.has(Ev.published)).toBe(true);
    expect(early.filter((k) => k.has(Ev.processed)).length).toBeGreaterThan(190);
  });

  it('records a live fault into the scenario and replays: same past, reproducible future', () => {
    const s = loaded();
    const atClick = s.advanceTo(12_000_000).traceHash;
    s.advanceTo(12_500_000); // the engine runs ahead of what the user sees
    const added = s.addFault({ crash: 'workers#1', restart: 3000 }, 12_000_000);
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    expect(added.text).toContain('{ at: 12000001us, crash: workers#1, restart: 3000ms }');
    expect(added.text).toContain('# yaml-language-server'); // the user's comments survive
    // Nothing before the click changed, and nothing is sent twice.
    const next = s.advanceTo(12_000_000);
    expect(next.traceHash).toBe(atClick);
    expect(next.events.count).toBe(0);
    const crashed = s.advanceTo(12_000_001).events;
    expect(Array.from(crashed.kind)).toContain(Ev.crashed);
    const end = s.finish().report!;
    // Reset replays the recorded fault; the shared text reproduces the run anywhere.
    expect(s.reset().ok).toBe(true);
    expect(s.finish().report!.traceHash).toBe(end.traceHash);
    expect(cliTraceHash(added.text)).toBe(end.traceHash);
    expect(end.traceHash).not.toBe(cliTraceHash(text));
  });

  it('tells a message’s life from publish to ack', () => {
    const s = loaded();
    s.advanceTo(2_000_000);
    const life = s.lifecycle('web:10')!;
    const kinds = life.entries.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual([Ev.published, Ev.enqueued]);
    expect(kinds).toContain(Ev.delivered);
    expect(kinds).toContain(Ev.processed);
    expect(kinds).toContain(Ev.acked);
    expect(s.lifecycle('nobody:1')).toBeNull();
  });

  it('tells a chain: the messages a processing published are child lives, each naming its parent', () => {
    const chain = 'examples/event-driven-chain.yaml';
    const s = new LabSession();
    const r = s.load(readFileSync(chain, 'utf8'), chain);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    s.advanceTo(3_000_000);
    const order = s.lifecycle('shop:20')!;
    expect(order.parent).toBeNull();
    // order-service emits one order event per order; a topic hands it to both subscriptions.
    const [event, ...others] = order.children;
    expect(others).toEqual([]);
    expect(event.id).toMatch(/^order-service:\d+$/);
    expect(event.parent).toBe('shop:20');
    expect(event.entries[0].kind).toBe(Ev.published);
    // Published at the instant the order's processing ended.
    const processed = order.entries.find((e) => e.kind === Ev.processed)!;
    expect(event.entries[0].timeUs).toBe(processed.timeUs);
    // shipping-service emits onward, to the notifier.
    const next = event.children.map((c) => c.id);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatch(/^shipping-service:\d+$/);
    expect(event.children[0].children).toEqual([]); // the notifier emits nothing
    // The child, inspected on its own, knows its parent.
    expect(s.lifecycle(event.id)!.parent).toBe('shop:20');
  });

  it('names the field of a bad scenario', () => {
    const s = new LabSession();
    const r = s.load(text.replace('prefetch: 20', 'prefetch: 0'), file);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].path).toBe('consumers[0].prefetch');
  });
});
