import type { Health } from '../../../protocol/index.ts';

/** One compact health sample for the screen page's charts. */
export interface HealthPoint {
  t: string;
  cpuPercent: number;
  temperatureC: number | null;
  memoryUsedPercent: number;
  diskFreePercent: number | null;
  invalidMessages: number;
  rendererRestarts: number;
  staleFeeds: number;
}

export function pointOf(h: Health, at: number): HealthPoint {
  const mem = h.memory.totalBytes > 0 ? 100 * (1 - h.memory.freeBytes / h.memory.totalBytes) : 0;
  return {
    t: new Date(at).toISOString(),
    cpuPercent: round1(h.cpuPercent),
    temperatureC: h.temperatureC === null ? null : round1(h.temperatureC),
    memoryUsedPercent: round1(mem),
    diskFreePercent:
      h.disk && h.disk.totalBytes > 0 ? round1((100 * h.disk.freeBytes) / h.disk.totalBytes) : null,
    invalidMessages: h.invalidMessages,
    rendererRestarts: h.renderer.restarts,
    staleFeeds: h.feeds.filter((f) => f.state !== 'fresh').length,
  };
}

/**
 * Per-screen health samples in memory, bounded: at most `perScreen` samples (default 2880, a day at
 * the default 30 s interval), and no two closer than `minSpacingMs` (a chatty screen cannot crowd out
 * its own history). Lost on restart, by design: it is for the "last hours" charts.
 */
export class HealthHistory {
  private readonly data = new Map<string, HealthPoint[]>();

  constructor(
    private readonly perScreen = 2880,
    private readonly minSpacingMs = 10_000,
  ) {}

  add(screenId: string, h: Health, at: number): void {
    let list = this.data.get(screenId);
    if (!list) {
      list = [];
      this.data.set(screenId, list);
    }
    const last = list[list.length - 1];
    if (last && at - Date.parse(last.t) < this.minSpacingMs) list[list.length - 1] = pointOf(h, at);
    else list.push(pointOf(h, at));
    if (list.length > this.perScreen) list.splice(0, list.length - this.perScreen);
  }

  get(screenId: string, sinceMs = 0): HealthPoint[] {
    return (this.data.get(screenId) ?? []).filter((p) => Date.parse(p.t) >= sinceMs);
  }

  forget(screenId: string): void {
    this.data.delete(screenId);
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
