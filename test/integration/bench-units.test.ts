import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from '../bench/cli.ts';
import { satisfiedAt } from '../bench/sim/messages.ts';
import { SimScreen } from '../bench/sim/screen.ts';
import { percentile, summarize } from '../bench/sim/stats.ts';
import { rateAtCpu } from '../bench/telemetry.ts';

/** The arithmetic behind the benchmark figures: if it is wrong, every figure is. */
describe('bench arithmetic', () => {
  it('percentile is nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(summarize([3, 1, 2])).toEqual({ n: 3, p50Ms: 2, p99Ms: 3, maxMs: 3 });
  });

  it('a screen is current only when every wanted item arrived, at the latest of their times', () => {
    const s = new SimScreen(
      { id: 'scr-1' },
      {
        host: '127.0.0.1',
        port: 1,
        keepaliveS: 20,
        clean: false,
        subscribeFeeds: false,
        reportDeliveryMs: null,
        connectTimeoutMs: 1000,
      },
    );
    s.configVersion = 3;
    s.configAt = 100;
    s.campaigns.set('a', { version: 2, at: 250 });
    s.campaigns.set('gone', { version: 0, at: 300 });
    expect(satisfiedAt(s, { configVersion: 3, campaigns: { a: 2 } })).toBe(250);
    expect(satisfiedAt(s, { configVersion: 4 })).toBeNull();
    expect(satisfiedAt(s, { campaigns: { a: 3 } })).toBeNull();
    expect(satisfiedAt(s, { campaigns: { gone: 0 } })).toBe(300);
    expect(satisfiedAt(s, { campaigns: { a: 0 } })).toBeNull(); // still held: not deleted
    expect(satisfiedAt(s, { campaigns: { missing: 1 } })).toBeNull();
    expect(satisfiedAt(s, { configVersion: 1, since: 200 })).toBeNull(); // config came before the reconnect
  });

  it('telemetry interpolates the rate at 80% CPU and stops at a stalled event loop', () => {
    const step = (achieved: number, cpuPercent: number, loopP99Ms: number | null = 10) => ({
      target: 'embedded' as const,
      rate: achieved,
      achieved,
      cpuPercent,
      loopP99Ms,
    });
    expect(rateAtCpu([step(1000, 40), step(2000, 120)])).toBe(1500);
    expect(rateAtCpu([step(1000, 40), step(2000, 60)])).toBe(2000); // never reached: a lower bound
    expect(rateAtCpu([step(500, 15), step(1000, 19, 1951)])).toBe(500); // loop stalled at 1000/s
    expect(rateAtCpu([step(1000, 90)])).toBeNull();
  });

  it('parses the CLI flags and refuses bad ones', () => {
    const a = parseArgs([
      'push',
      '--screens',
      '1000,5000',
      '--json',
      '--quick',
      '--targets=mosquitto,embedded',
    ]);
    expect(a).toMatchObject({ names: ['push'], screens: [1000, 5000], json: true, quick: true, workers: 1 });
    expect(a.targets).toEqual(['mosquitto', 'embedded']);
    expect(parseArgs(['--no-write']).outDir).toBeNull();
    expect(() => parseArgs(['nope'])).toThrow(UsageError);
    expect(() => parseArgs(['--screens', '0'])).toThrow(/whole numbers/);
    expect(() => parseArgs(['--targets', 'emqx'])).toThrow(/unknown target/);
  });
});
