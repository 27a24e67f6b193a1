import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StanderServer } from '../../control-server/server.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { Admin, startRealServer, until } from '../integration/agent-harness.ts';

/**
 * A running screen whose wall clock jumps an hour forward and back, and runs across both DST
 * changes of Europe/Copenhagen: the playlist follows the schedule by local wall-clock time, a
 * jump is reported in health (clockJumpS) and a DST change is not a jump. The oracle for local
 * time is Intl (not the product's luxon code).
 */
let dir: string;
let server: StanderServer;
let agent: AgentHandle;
const ids: Record<string, string> = {};
// The screen's wall clock: a settable base that advances with the monotonic clock.
let base = Date.parse('2026-06-10T07:30:00Z');
let mono0 = performance.now();
const now = () => base + (performance.now() - mono0);
const setClock = (iso: string) => {
  base = Date.parse(iso);
  mono0 = performance.now();
};
let jumps = 0;

function localHm(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Copenhagen',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(ms);
}

const playing = (name: string) => agent.getState().playlist.items.some((i) => i.campaignId === ids[name]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stander-clock-'));
  server = await startRealServer(join(dir, 'server'));
  const admin = await Admin.login(server.httpUrl);
  const screen = await admin.createScreen({
    name: 'Clock kiosk',
    profile: 'street-kiosk',
    location: { lat: 55.68, lon: 12.57 },
  });
  const windows: Record<string, { from: string; to: string }> = {
    morning: { from: '10:00', to: '11:00' },
    spring: { from: '03:00', to: '03:30' },
    autumn: { from: '02:00', to: '02:30' },
  };
  for (const [name, w] of Object.entries(windows)) {
    ({ id: (ids[name] as string) } = await admin.createCampaign({
      name,
      target: { all: true },
      schedule: { daily: [w] },
      slides: [{ kind: 'text', title: { en: name }, durationS: 5 }],
    }));
  }
  agent = await startAgent({
    screenId: screen.id,
    token: screen.token,
    serverUrl: server.httpUrl,
    mqttUrl: server.mqttUrl,
    cacheDir: join(dir, 'cache'),
    uiPort: null,
    hardware: new SimulatedHardware(),
    log: silentLogger,
    tickMs: 100,
    now,
  });
  // Synced: each campaign shows in its own window (the clock set there for a moment), then back.
  for (const [name, at] of [
    ['morning', '2026-06-10T08:30:00Z'],
    ['spring', '2026-06-10T01:10:00Z'],
    ['autumn', '2026-06-10T00:10:00Z'],
  ] as const) {
    setClock(at);
    await until(() => playing(name), 10_000, `campaign ${name}`);
  }
  setClock('2026-06-10T07:30:00Z');
  await agent.health(); // forget the set-up jumps
});

afterAll(async () => {
  await agent?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('screen clock faults', () => {
  it('a jump of one hour forward starts a window at once and is reported in health', async () => {
    expect(localHm(now())).toMatch(/^09:3\d:\d\d CEST$/);
    await new Promise((r) => setTimeout(r, 500));
    expect(playing('morning')).toBe(false);
    await agent.health(); // reset the largest-jump window
    setClock('2026-06-10T08:30:00Z');
    jumps++;
    expect(localHm(now())).toMatch(/^10:30:\d\d CEST$/);
    const t0 = Date.now();
    await until(() => playing('morning'), 3000, 'the morning window after the jump');
    const h = await agent.health();
    console.info(
      `clock +1h: window started ${Date.now() - t0} ms after the jump; clockJumpS=${h.clockJumpS}`,
    );
    expect(Math.abs(h.clockJumpS - 3600)).toBeLessThan(3);
  });

  it('a jump of one hour back ends the window at once and is reported as negative', async () => {
    await agent.health();
    setClock('2026-06-10T07:30:00Z');
    jumps++;
    const t0 = Date.now();
    await until(() => !playing('morning'), 3000, 'the window to end after the jump back');
    const h = await agent.health();
    console.info(`clock -1h: window ended ${Date.now() - t0} ms after the jump; clockJumpS=${h.clockJumpS}`);
    expect(Math.abs(h.clockJumpS + 3600)).toBeLessThan(3);
  });

  it('spring forward (02:00 CET -> 03:00 CEST): the 03:00 window starts at the change, no jump reported', async () => {
    setClock('2027-03-28T00:59:58Z');
    jumps++;
    expect(localHm(now())).toBe('01:59:58 CET');
    await new Promise((r) => setTimeout(r, 300));
    expect(playing('spring')).toBe(false);
    await agent.health(); // the set above was a jump; from here time only runs
    await until(() => playing('spring'), 4000, 'the 03:00 window after the change');
    expect(localHm(now())).toMatch(/^03:00:0\d CEST$/);
    expect(playing('autumn')).toBe(false);
    expect((await agent.health()).clockJumpS).toBe(0);
  });

  it('fall back (03:00 CEST -> 02:00 CET): the 02:00 window runs again in the repeated hour, no jump reported', async () => {
    setClock('2026-10-25T00:59:58Z');
    jumps++;
    expect(localHm(now())).toBe('02:59:58 CEST');
    await new Promise((r) => setTimeout(r, 300));
    expect(playing('autumn')).toBe(false);
    await agent.health();
    await until(() => playing('autumn'), 4000, 'the 02:00 window in the repeated hour');
    expect(localHm(now())).toMatch(/^02:00:0\d CET$/);
    expect((await agent.health()).clockJumpS).toBe(0);
    console.info(`FIGURES clock: jumps injected=${jumps}, DST changes crossed=2, all windows right`);
  });
});
