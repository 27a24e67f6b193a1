import { cpus, freemem, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Health } from '../../protocol/index.ts';

/** System CPU use (all cores, 0..100) between two calls. */
export class CpuSampler {
  private last = CpuSampler.snapshot();

  private static snapshot(): { idle: number; total: number } {
    let idle = 0;
    let total = 0;
    for (const c of cpus()) {
      idle += c.times.idle;
      total += c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    }
    return { idle, total };
  }

  sample(): number {
    const now = CpuSampler.snapshot();
    const dTotal = now.total - this.last.total;
    const dIdle = now.idle - this.last.idle;
    this.last = now;
    if (dTotal <= 0) return 0;
    return Math.max(0, Math.min(100, Math.round((1000 * (dTotal - dIdle)) / dTotal) / 10));
  }
}

/**
 * Detects jumps of the wall clock (NTP corrections, an RTC-less board booting in 1970, a manual
 * change) by comparing wall-clock time with the monotonic clock between checks.
 */
export class ClockJumpDetector {
  private wall: number;
  private mono: number;
  /** Largest jump (signed seconds) since the last take(). */
  private largest = 0;

  constructor(
    private readonly thresholdS = 2,
    private readonly wallNow: () => number = Date.now,
    private readonly monoNow: () => number = () => performance.now(),
  ) {
    this.wall = wallNow();
    this.mono = monoNow();
  }

  /** Compares the clocks; returns the jump in seconds (0 below the threshold). */
  check(): number {
    const wall = this.wallNow();
    const mono = this.monoNow();
    const jumpS = (wall - this.wall - (mono - this.mono)) / 1000;
    this.wall = wall;
    this.mono = mono;
    if (Math.abs(jumpS) < this.thresholdS) return 0;
    const rounded = Math.round(jumpS * 10) / 10;
    if (Math.abs(rounded) > Math.abs(this.largest)) this.largest = rounded;
    return rounded;
  }

  /** The largest jump since the last call, then resets. */
  take(): number {
    this.check();
    const j = this.largest;
    this.largest = 0;
    return j;
  }
}

export interface HealthInputs {
  at: number;
  startedAt: number;
  cpuPercent: number;
  disk: { freeBytes: number; totalBytes: number } | null;
  temperatureC: number | null;
  display: { on: boolean; brightness: number | null };
  feeds: Health['feeds'];
  contentVersion: string;
  downloads: Health['downloads'];
  invalidMessages: number;
  cacheCorruptions: number;
  renderer: Health['renderer'];
  clockJumpS: number;
}

export function buildHealth(i: HealthInputs): Health {
  const clampTemp = i.temperatureC === null ? null : Math.max(-60, Math.min(200, i.temperatureC));
  return {
    at: new Date(i.at).toISOString(),
    uptimeS: Math.max(0, Math.round((i.at - i.startedAt) / 1000)),
    cpuPercent: i.cpuPercent,
    memory: { rssBytes: process.memoryUsage.rss(), freeBytes: freemem(), totalBytes: totalmem() },
    disk: i.disk,
    temperatureC: clampTemp,
    display: i.display,
    feeds: i.feeds.slice(0, 200),
    contentVersion: i.contentVersion.slice(0, 100),
    downloads: i.downloads,
    invalidMessages: i.invalidMessages,
    cacheCorruptions: i.cacheCorruptions,
    renderer: i.renderer,
    clockJumpS: i.clockJumpS,
  };
}
