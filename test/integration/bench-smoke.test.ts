import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { serverAvailable } from '../bench/sim/targets.ts';

const execFileP = promisify(execFile);

/**
 * Keeps the benchmark code from rotting: the push benchmark in quick mode with 50 simulated screens,
 * through the real CLI, against bare Mosquitto and the embedded control server (the external-Mosquitto
 * mode is left to the full run, to keep this under half a minute on a quiet machine).
 */
describe('bench smoke: push --quick --screens 50 --json', () => {
  let out: string;
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('prints one JSON object with the figures, and every screen received the campaign', async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'stander-bench-smoke-'));
    const { stdout } = await execFileP(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/bench/cli.ts',
        'push',
        '--quick',
        '--screens',
        '50',
        '--targets',
        'mosquitto,embedded',
        '--json',
        '--out',
        out,
      ],
      { timeout: 170_000, maxBuffer: 10 * 1024 * 1024 },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(r.screens).toBe(50);
    expect(r.baselineP99Ms).toBeGreaterThan(0);
    expect(r.missing).toBe(0);
    expect(r.invalid).toBe(0);
    const runs = r.runs as { target: string; received: number; missing: number; p99Ms: number }[];
    const baseline = runs.find((x) => x.target === 'mosquitto');
    expect(baseline?.received).toBe(50);
    if (serverAvailable()) {
      for (const target of ['embedded']) {
        const run = runs.find((x) => x.target === target);
        expect(run, target).toBeDefined();
        expect(run?.received, target).toBe(50);
        expect(run?.missing, target).toBe(0);
      }
      for (const key of ['p50Ms', 'p99Ms', 'maxMs', 'ratio']) expect(r[key], key).toBeGreaterThan(0);
      expect(r.p50Ms as number).toBeLessThanOrEqual(r.p99Ms as number);
      expect(r.p99Ms as number).toBeLessThanOrEqual(r.maxMs as number);
      expect(r.ratio).toBeCloseTo((r.p99Ms as number) / (r.baselineP99Ms as number), 1);
    }
    const md = await readFile(path.join(out, 'push.md'), 'utf8');
    expect(md).toContain('| screens | target |');
    const saved = JSON.parse(await readFile(path.join(out, 'push.json'), 'utf8')) as { summary: unknown };
    expect(saved.summary).toEqual(r);
  }, 180_000);
});
