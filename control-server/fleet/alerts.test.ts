import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Health } from '../../protocol/index.ts';
import { type AlertEvent, AlertEngine } from './alerts.ts';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const GB = 1024 ** 3;

function health(over: Partial<Health> = {}): Health {
  return {
    at: new Date(T0).toISOString(),
    uptimeS: 3600,
    cpuPercent: 10,
    memory: { rssBytes: 1e8, freeBytes: 1e9, totalBytes: 4e9 },
    disk: { freeBytes: 20 * GB, totalBytes: 32 * GB },
    temperatureC: 50,
    display: { on: true, brightness: 80 },
    feeds: [{ kind: 'transport', id: 'stop1', ageS: 10, state: 'fresh' }],
    contentVersion: 'c1',
    downloads: { pending: 0, bytesDone: 0, bytesTotal: 0 },
    invalidMessages: 0,
    cacheCorruptions: 0,
    renderer: { state: 'ok', restarts: 0 },
    clockJumpS: 0,
    ...over,
  };
}

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

function engine() {
  const e = new AlertEngine({ file: null });
  const events: AlertEvent[] = [];
  e.onEvent((ev) => events.push(ev));
  return { e, events };
}

describe('AlertEngine', () => {
  it('raises offline only after 2 minutes offline and resolves when the screen returns', () => {
    const { e, events } = engine();
    e.observePresence('s1', true, T0);
    e.observePresence('s1', false, T0 + 1000);
    e.evaluate(T0 + 1000 + 119_000);
    expect(e.list()).toEqual([]);
    e.evaluate(T0 + 1000 + 120_000);
    const [a] = e.list();
    expect(a).toMatchObject({ screenId: 's1', kind: 'offline', severity: 'warning', resolvedAt: null });
    expect(a?.detail.offlineS).toBe(120);
    e.observePresence('s1', true, T0 + 200_000);
    e.evaluate(T0 + 200_000);
    expect(e.list()).toEqual([]);
    expect(e.list({ includeResolved: true })[0]?.resolvedAt).toBe(new Date(T0 + 200_000).toISOString());
    expect(events.map((x) => x.type)).toEqual(['raised', 'resolved']);
  });

  it('grades temperature and low disk by thresholds', () => {
    const { e } = engine();
    e.observePresence('s1', true, T0);
    e.observeHealth('s1', health({ temperatureC: 78, disk: { freeBytes: 2 * GB, totalBytes: 32 * GB } }), T0);
    e.evaluate(T0);
    const kinds = Object.fromEntries(e.list().map((a) => [a.kind, a]));
    expect(kinds.temperature?.severity).toBe('warning');
    expect(kinds['low-disk']?.severity).toBe('warning');
    expect(kinds['low-disk']?.detail.freePercent).toBe(6.3);
    e.observeHealth(
      's1',
      health({ temperatureC: 90, disk: { freeBytes: 50e6, totalBytes: 32 * GB } }),
      T0 + 30e3,
    );
    e.evaluate(T0 + 30e3);
    expect(e.list().every((a) => a.severity === 'critical')).toBe(true);
    e.observeHealth('s1', health(), T0 + 60e3);
    e.evaluate(T0 + 60e3);
    expect(e.list()).toEqual([]);
  });

  it('alerts on stale feed data on a screen, naming the feeds', () => {
    const { e } = engine();
    e.observeHealth(
      's1',
      health({
        feeds: [
          { kind: 'transport', id: 'stop1', ageS: 900, state: 'stale' },
          { kind: 'water', id: 'w1', ageS: 10, state: 'fresh' },
        ],
      }),
      T0,
    );
    e.observePresence('s1', true, T0);
    e.evaluate(T0);
    const [a] = e.list();
    expect(a?.kind).toBe('stale-feed');
    expect(a?.detail.feeds).toBe('transport/stop1:stale');
  });

  it('computes the invalid-message rate between reports, and tolerates a counter reset', () => {
    const { e } = engine();
    e.observePresence('s1', true, T0);
    e.observeHealth('s1', health({ invalidMessages: 100 }), T0);
    e.evaluate(T0);
    expect(e.list()).toEqual([]); // first report: no rate yet
    e.observeHealth('s1', health({ invalidMessages: 103 }), T0 + 60e3);
    e.evaluate(T0 + 60e3);
    expect(e.list()).toEqual([]); // 3/min
    e.observeHealth('s1', health({ invalidMessages: 123 }), T0 + 120e3);
    e.evaluate(T0 + 120e3);
    expect(e.list()[0]).toMatchObject({ kind: 'invalid-messages', detail: { perMinute: 20 } });
    e.observeHealth('s1', health({ invalidMessages: 2 }), T0 + 180e3); // agent restarted
    e.evaluate(T0 + 180e3);
    expect(e.list()).toEqual([]);
  });

  it('keeps a renderer-restart alert for the hold time after the counter goes up', () => {
    const { e } = engine();
    e.observePresence('s1', true, T0);
    e.observeHealth('s1', health(), T0);
    e.observeHealth('s1', health({ renderer: { state: 'ok', restarts: 1 } }), T0 + 30e3);
    e.evaluate(T0 + 30e3);
    expect(e.list()[0]).toMatchObject({ kind: 'renderer-restarts', severity: 'warning' });
    e.evaluate(T0 + 30e3 + 14 * 60e3);
    expect(e.list()).toHaveLength(1);
    e.evaluate(T0 + 30e3 + 15 * 60e3);
    expect(e.list()).toEqual([]);
    e.observeHealth('s1', health({ renderer: { state: 'crashed', restarts: 1 } }), T0 + 20 * 60e3);
    e.evaluate(T0 + 20 * 60e3);
    expect(e.list()[0]).toMatchObject({ kind: 'renderer-restarts', severity: 'critical' });
  });

  it('acknowledges once, and a condition that comes back raises a new alert', () => {
    const { e, events } = engine();
    e.observePresence('s1', false, T0);
    e.evaluate(T0 + 130e3);
    const id = e.list()[0]!.id;
    expect(e.acknowledge(id, 'tech', T0 + 140e3)?.acknowledged).toEqual({
      by: 'tech',
      at: new Date(T0 + 140e3).toISOString(),
    });
    e.acknowledge(id, 'other', T0 + 150e3);
    expect(e.list()[0]?.acknowledged?.by).toBe('tech');
    expect(e.acknowledge('nope', 'x', T0)).toBeNull();
    e.observePresence('s1', true, T0 + 200e3);
    e.evaluate(T0 + 200e3);
    e.observePresence('s1', false, T0 + 300e3);
    e.evaluate(T0 + 500e3);
    const again = e.list()[0]!;
    expect(again.id).not.toBe(id);
    expect(again.acknowledged).toBeNull();
    expect(events.filter((x) => x.type === 'acknowledged')).toHaveLength(1);
  });

  it('persists alerts and acknowledgements across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'alerts-'));
    dirs.push(dir);
    const file = join(dir, 'alerts.json');
    const a = new AlertEngine({ file });
    a.observePresence('s1', false, T0);
    a.evaluate(T0 + 130e3);
    const id = a.list()[0]!.id;
    a.acknowledge(id, 'tech', T0 + 131e3);
    await a.flush();
    const b = new AlertEngine({ file });
    await b.load();
    expect(b.list()[0]).toMatchObject({ id, acknowledged: { by: 'tech' } });
    // Numbering continues, so ids stay unique.
    b.observePresence('s2', false, T0);
    b.evaluate(T0 + 130e3);
    expect(new Set(b.list().map((x) => x.id)).size).toBe(2);
  });

  it('resolves every alert of a forgotten screen', () => {
    const { e } = engine();
    e.observePresence('s1', false, T0);
    e.observeHealth('s1', health({ temperatureC: 99 }), T0);
    e.evaluate(T0 + 130e3);
    expect(e.list()).toHaveLength(2);
    e.forget('s1', T0 + 140e3);
    expect(e.list()).toEqual([]);
    expect(e.list({ includeResolved: true })).toHaveLength(2);
  });
});
