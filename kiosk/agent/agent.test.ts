import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CommandResultSchema,
  HealthSchema,
  PlaysSchema,
  StatusSchema,
  topics,
} from '../../protocol/index.ts';
import type { BridgeServerMessage } from '../bridge/types.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from './index.ts';
import { createLogger, silentLogger } from './log.ts';
import { type AssetServer, startAssetServer } from './testing/asset-server.ts';
import { startTestBroker, type TestBroker } from './testing/broker.ts';
import {
  assetOf,
  imageCampaign,
  screenConfig,
  textCampaign,
  transportSnapshot,
  waterSnapshot,
} from './testing/fixtures.ts';

const ID = 'scr-test-1';
const TOKEN = 'tok-abc';

async function until<T>(
  fn: () => T | undefined | null | false,
  timeoutMs = 8000,
  what = 'condition',
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function untilAsync(fn: () => Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kiosk agent against a real broker', () => {
  let dir: string;
  let broker: TestBroker;
  let assets: AssetServer;
  let blobs: Map<string, Buffer>;
  const agents: AgentHandle[] = [];
  const hw = new SimulatedHardware();

  const start = async (extra: Partial<Parameters<typeof startAgent>[0]> = {}) => {
    const a = await startAgent({
      screenId: ID,
      token: TOKEN,
      serverUrl: assets.url,
      mqttUrl: broker.url,
      cacheDir: join(dir, 'cache'),
      uiPort: 0,
      rendererDir: join(dir, 'no-renderer'),
      hardware: hw,
      log: process.env.STANDER_DEBUG ? createLogger({ level: 'debug' }) : silentLogger,
      reconnect: { minMs: 50, maxMs: 200 },
      download: { retryBaseMs: 50, retryMaxMs: 200 },
      tickMs: 200,
      ...extra,
    });
    agents.push(a);
    return a;
  };
  const pub = (topic: string, value: unknown, retain = true) =>
    broker.server.publishAsync(topic, typeof value === 'string' ? value : JSON.stringify(value), {
      qos: 1,
      retain,
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-agent-'));
    broker = await startTestBroker();
    blobs = new Map();
    assets = await startAssetServer(blobs, { authorization: `Bearer ${ID}:${TOKEN}` });
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.close();
    await broker.close();
    await assets.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs config, feeds and campaigns, downloads assets, serves UI state, and restarts from its cache', async () => {
    const img = randomBytes(30_000);
    const asset = assetOf(img);
    blobs.set(asset.url, img);
    await pub(topics.screenConfig(ID), screenConfig(ID));
    await pub(topics.feed('transport', 'stop-1'), transportSnapshot('stop-1'));
    await pub(topics.feed('water', 'bath-1'), waterSnapshot('bath-1'));
    await pub(topics.feed('water', 'not-mine'), waterSnapshot('not-mine'));
    await pub(topics.campaign('c-img'), imageCampaign('c-img', asset));
    await pub(topics.campaign('c-other'), textCampaign('c-other', { target: { screens: ['someone-else'] } }));
    const statuses: string[] = [];
    await broker.server.subscribeAsync(topics.screenStatus(ID));
    broker.server.on('message', (t, p) => {
      if (t === topics.screenStatus(ID)) statuses.push(StatusSchema.parse(JSON.parse(p.toString())).state);
    });

    const a = await start();
    const s = await until(
      () => {
        const st = a.getState();
        return st.connection.online && st.playlist.items.length === 2 && st.feeds.water['bath-1'] ? st : null;
      },
      8000,
      'synced state',
    );
    expect(s.config?.screenId).toBe(ID);
    expect(s.source).toBe('live');
    expect(Object.keys(s.feeds.water)).toEqual(['bath-1']);
    // The departure that has left is dropped.
    expect(s.feeds.transport['stop-1']?.departures.map((d) => d.line)).toEqual(['5C', 'M3']);
    expect(s.feedFreshness?.transport['stop-1']).toBe('fresh');
    expect(s.playlist.items.map((i) => i.campaignId)).toEqual(['c-img', 'c-img']);
    const url = s.playlist.items[0]?.assetUrl;
    expect(url).toBe(`${a.uiUrl}/assets/${asset.sha256}`);
    const served = await fetch(url!);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(img)).toBe(true);
    await until(() => statuses.includes('online'), 3000, 'online status');

    // The UI: a clear page while the renderer is not built, and the state over the WebSocket.
    const page = await fetch(a.uiUrl!);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('npm run build');
    const ws = new WebSocket(`${a.uiUrl!.replace('http', 'ws')}/bridge`);
    const first = await new Promise<BridgeServerMessage>((resolve, reject) => {
      ws.once('message', (m) => resolve(JSON.parse(m.toString()) as BridgeServerMessage));
      ws.once('error', reject);
    });
    expect(first.type).toBe('state');
    expect(first.state.playlist.items.length).toBe(2);
    ws.close();

    // Restart with no broker at all: everything comes from the cache, before any network.
    await a.close();
    const b = await start({ mqttUrl: 'mqtt://127.0.0.1:1', offline: true });
    const c = b.getState();
    expect(b.startupMs).toBeLessThan(1000);
    expect(c.source).toBe('cache');
    expect(c.connection.online).toBe(false);
    expect(c.config?.version).toBe(1);
    expect(c.feeds.water['bath-1']?.waterTempC).toBe(18.5);
    expect(c.playlist.items.map((i) => i.slideIndex)).toEqual([0, 1]);
    expect(c.playlist.items[0]?.assetUrl).toBe(`${b.uiUrl}/assets/${asset.sha256}`);
  });

  it('keeps the previous version playing until the new one is verified, and never plays wrong bytes', async () => {
    const good = randomBytes(20_000);
    const ga = assetOf(good);
    blobs.set(ga.url, good);
    await pub(topics.screenConfig(ID), screenConfig(ID));
    await pub(topics.campaign('c1'), imageCampaign('c1', ga));
    const a = await start();
    await until(() => a.getState().playlist.items.length === 2, 8000, 'v1 playing');

    // v2 names an asset whose bytes do not hash to its sha256.
    const bad = randomBytes(20_000);
    const liar = { ...assetOf(randomBytes(20_000)) };
    blobs.set(liar.url, bad);
    await pub(topics.campaign('c1'), imageCampaign('c1', liar, { version: 2 }));
    await until(() => a.core.content.failureOf(liar.sha256)?.rejected, 8000, 'rejection');
    const s = a.getState();
    expect(s.playlist.items.every((i) => i.campaignVersion === 1)).toBe(true);
    expect(s.playlist.items[0]?.assetUrl).toContain(ga.sha256);
    expect((await fetch(`${a.uiUrl}/assets/${liar.sha256}`)).status).toBe(404);

    // v3 fixes it: it takes over once verified.
    const fixed = randomBytes(10_000);
    const fa = assetOf(fixed);
    blobs.set(fa.url, fixed);
    await pub(topics.campaign('c1'), imageCampaign('c1', fa, { version: 3 }));
    await until(() => a.getState().playlist.items[0]?.campaignVersion === 3, 8000, 'v3 playing');

    // An emergency takes over at once; deleting it gives the screen back.
    await pub(topics.campaign('alert'), textCampaign('alert', { priority: 'emergency', version: 1 }));
    await until(() => a.getState().playlist.emergency?.campaign.id === 'alert', 3000, 'emergency');
    await pub(topics.campaign('alert'), '');
    await until(() => a.getState().playlist.emergency === null, 3000, 'emergency cleared');
  });

  it('runs a redelivered command once and answers each delivery', async () => {
    await pub(topics.screenConfig(ID), screenConfig(ID));
    const results: unknown[] = [];
    await broker.server.subscribeAsync(topics.screenCmdResult(ID));
    broker.server.on('message', (t, p) => {
      if (t === topics.screenCmdResult(ID)) results.push(CommandResultSchema.parse(JSON.parse(p.toString())));
    });
    const a = await start();
    await until(() => a.getState().connection.online, 5000, 'online');
    const cmd = { id: 'cmd-1', type: 'reload', issuedAt: new Date().toISOString() };
    await pub(topics.screenCmd(ID), cmd, false);
    await pub(topics.screenCmd(ID), cmd, false);
    await until(() => results.length === 2, 5000, 'two results');
    expect(a.getState().reloadSeq).toBe(1);
    expect(a.core.commands.executed).toBe(1);
    expect(results[0]).toMatchObject({ id: 'cmd-1', ok: true });
    expect(results[1]).toEqual(results[0]);

    // Also after a restart: the journal is on disk.
    await a.close();
    const b = await start();
    await until(() => b.getState().connection.online, 5000, 'online again');
    await pub(topics.screenCmd(ID), cmd, false);
    await until(() => results.length === 3, 5000, 'third result');
    expect(b.getState().reloadSeq).toBe(0);
    expect(b.core.commands.executed).toBe(0);

    // The other commands.
    const run = async (c: Record<string, unknown>) => {
      const n = results.length;
      await pub(topics.screenCmd(ID), { issuedAt: new Date().toISOString(), ...c }, false);
      await until(() => results.length > n, 5000, `${String(c.type)} result`);
      return results.at(-1) as { ok: boolean; message?: string };
    };
    expect(await run({ id: 'b1', type: 'brightness', level: 35 })).toMatchObject({ ok: true });
    expect(hw.brightness).toBe(35);
    expect(await run({ id: 'd1', type: 'display', on: false })).toMatchObject({ ok: true });
    expect(b.getState().display.on).toBe(false);
    await run({ id: 'd2', type: 'display', on: true });
    expect(await run({ id: 'i1', type: 'identify', durationS: 30 })).toMatchObject({ ok: true });
    expect(b.getState().identifyUntil).not.toBeNull();
    const shot = await run({ id: 's1', type: 'screenshot' });
    expect(shot.ok).toBe(false);
    expect(shot.message).toMatch(/no shell attached/);
    const reboots = hw.reboots;
    expect(await run({ id: 'r1', type: 'reboot' })).toMatchObject({ ok: true, message: 'rebooting' });
    await until(() => hw.reboots === reboots + 1, 2000, 'reboot');
    expect(await run({ id: 'old', type: 'reload', issuedAt: '2020-01-01T00:00:00Z' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/expired/),
    });
    expect(await run({ id: 'cc', type: 'clear-cache' })).toMatchObject({ ok: true });
    // The cache refills from the retained messages.
    await untilAsync(
      async () =>
        (await readdir(join(dir, 'cache', 'messages'))).includes('v1~screens~scr-test-1~config.json'),
      5000,
      'config cached again',
    );
  });

  it('recovers from a corrupt cache file and reports it in health', async () => {
    await pub(topics.screenConfig(ID), screenConfig(ID, { healthIntervalS: 5 }));
    await pub(topics.feed('water', 'bath-1'), waterSnapshot('bath-1'));
    const a = await start();
    await until(() => a.getState().feeds.water['bath-1'], 5000, 'water feed');
    await a.close();
    const file = join(dir, 'cache', 'messages', 'v1~feeds~water~bath-1.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('18.5', '99.5'));
    const healths: unknown[] = [];
    await broker.server.subscribeAsync(topics.screenHealth(ID));
    broker.server.on('message', (t, p) => {
      if (t === topics.screenHealth(ID)) healths.push(HealthSchema.parse(JSON.parse(p.toString())));
    });
    const b = await start();
    expect(b.getState().feeds.water['bath-1']).toBeUndefined();
    await until(() => b.getState().feeds.water['bath-1'], 5000, 'refetched water feed');
    expect(b.getState().feeds.water['bath-1']?.waterTempC).toBe(18.5);
    expect(await readdir(join(dir, 'cache', 'messages'))).toContain('v1~feeds~water~bath-1.json.corrupt');
    await untilAsync(
      async () => (await readdir(join(dir, 'cache', 'messages'))).includes('v1~feeds~water~bath-1.json'),
      5000,
      'feed cached again',
    );
    const h = await b.health();
    expect(h.cacheCorruptions).toBe(1);
    expect(h.feeds).toContainEqual({ kind: 'water', id: 'bath-1', ageS: expect.any(Number), state: 'fresh' });
    expect(h.feeds).toContainEqual({ kind: 'transport', id: 'stop-1', ageS: null, state: 'missing' });
    await b.core.reportHealth();
    await until(() => healths.length > 0, 3000, 'published health');
  });

  it('switches the display by its hours; a display command holds until the next edge', async () => {
    let t = Date.parse('2026-06-15T21:30:00Z'); // 23:30 in Copenhagen
    hw.displayOn = true;
    await pub(topics.screenConfig(ID), screenConfig(ID, { displayHours: { on: '07:00', off: '22:00' } }));
    const a = await start({ now: () => t });
    await until(() => !hw.displayOn && a.getState().display.on === false, 5000, 'display off at night');
    await until(() => a.getState().connection.online, 5000, 'online');
    await pub(
      topics.screenCmd(ID),
      { id: 'on-1', type: 'display', on: true, issuedAt: new Date(t).toISOString() },
      false,
    );
    await until(() => hw.displayOn, 5000, 'display on by command');
    t += 30 * 60_000;
    await new Promise((r) => setTimeout(r, 500));
    expect(hw.displayOn).toBe(true);
    t = Date.parse('2026-06-16T05:00:00Z'); // 07:00: the on edge
    await new Promise((r) => setTimeout(r, 500));
    expect(hw.displayOn).toBe(true);
    t = Date.parse('2026-06-16T20:00:00Z'); // 22:00: off
    await until(() => !hw.displayOn && a.getState().display.on === false, 5000, 'display off at 22:00');
    hw.displayOn = true;
  });

  it('counts plays, views and touches, keeps them on disk while offline, and sends them later', async () => {
    await pub(topics.screenConfig(ID), screenConfig(ID));
    const a = await start({ mqttUrl: 'mqtt://127.0.0.1:1' });
    a.dispatch({ type: 'play', campaignId: 'c1', campaignVersion: 2, slideIndex: 0, seconds: 8 });
    a.dispatch({ type: 'play', campaignId: 'c1', campaignVersion: 2, slideIndex: 0, seconds: 8 });
    a.dispatch({ type: 'view', view: 'transport' });
    a.dispatch({ type: 'touch' });
    a.dispatch({ type: 'touch' });
    await a.core.plays.rotate();
    expect(await a.core.plays.pendingBatches()).toBe(1);
    await a.close();

    const batches: unknown[] = [];
    await broker.server.subscribeAsync(topics.screenPlays(ID));
    broker.server.on('message', (t, p) => {
      if (t === topics.screenPlays(ID)) batches.push(PlaysSchema.parse(JSON.parse(p.toString())));
    });
    const b = await start();
    await until(() => batches.length === 1, 5000, 'plays batch');
    expect(batches[0]).toMatchObject({
      plays: [{ campaignId: 'c1', campaignVersion: 2, slideIndex: 0, count: 2, seconds: 16 }],
      views: [{ view: 'transport', count: 1 }],
      touches: 2,
    });
    await untilAsync(async () => (await b.core.plays.pendingBatches()) === 0, 3000, 'outbox drained');
  });
});
