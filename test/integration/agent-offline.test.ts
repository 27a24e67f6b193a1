import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StanderServer } from '../../control-server/server.ts';
import type { AssetRef } from '../../protocol/index.ts';
import type { BridgeServerMessage, KioskState } from '../../kiosk/bridge/types.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { transportSnapshot, waterSnapshot } from '../../kiosk/agent/testing/fixtures.ts';
import { Admin, noisePng, publishFeed, startRealServer, until } from './agent-harness.ts';

/**
 * The offline-first promise, against the real control server and its embedded broker:
 * live sync -> server gone -> agent restarted with no network serves everything from its cache
 * within 1 s -> server back -> agent current again within 2 s, stale markers cleared.
 * Figures are printed; run: npx vitest run --project integration test/integration/agent-offline.test.ts
 */

const TRANSPORT_TTL_S = 2;

function complete(s: KioskState, campaignVersion: number): boolean {
  return (
    s.config !== null &&
    s.feeds.transport['stop-1'] !== undefined &&
    s.feeds.water['bath-1'] !== undefined &&
    s.playlist.items.length === 2 &&
    s.playlist.items.every((i) => i.campaignVersion === campaignVersion)
  );
}

describe('agent against the real control server: offline and back', () => {
  let dir: string;
  let server: StanderServer | null = null;
  let agent: AgentHandle | null = null;
  let screen: { id: string; token: string };
  let ports: { httpPort: number; mqttPort: number };
  let campaignId: string;
  let imageSha: string;
  let imageAsset: AssetRef;
  const figures: Record<string, number> = {};

  const launch = (extra: Partial<Parameters<typeof startAgent>[0]> = {}) =>
    startAgent({
      screenId: screen.id,
      token: screen.token,
      serverUrl: server?.httpUrl ?? `http://127.0.0.1:${ports.httpPort}`,
      mqttUrl: `mqtt://127.0.0.1:${ports.mqttPort}`,
      cacheDir: join(dir, 'screen-cache'),
      uiPort: 0,
      rendererDir: join(dir, 'no-renderer'),
      hardware: new SimulatedHardware(),
      log: silentLogger,
      tickMs: 100,
      ...extra,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-agent-offline-'));
    server = await startRealServer(join(dir, 'server'));
    ports = { httpPort: server.httpPort, mqttPort: server.mqttPort! };
    const admin = await Admin.login(server.httpUrl);
    screen = await admin.createScreen({
      name: 'Rådhuspladsen kiosk',
      profile: 'street-kiosk',
      location: { lat: 55.6761, lon: 12.5683 },
      groups: ['centre'],
      tags: ['touch'],
      feeds: { transport: ['stop-1'], water: ['bath-1'] },
    });
    const asset = await admin.upload(noisePng(200, 200, 7));
    imageSha = asset.sha256;
    imageAsset = asset;
    ({ id: campaignId } = await admin.createCampaign({
      name: 'Harbour festival',
      priority: 'normal',
      target: { groups: ['centre'] },
      slides: [
        { kind: 'image', asset, alt: { en: 'Festival poster' }, durationS: 8 },
        { kind: 'text', title: { en: 'Harbour festival this weekend' }, durationS: 6 },
      ],
    }));
    await publishFeed(server, transportSnapshot('stop-1', Date.now(), TRANSPORT_TTL_S));
    await publishFeed(server, waterSnapshot('bath-1'));
  });

  afterAll(async () => {
    await agent?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    console.log(`[agent-offline figures] ${JSON.stringify(figures)}`);
  });

  it('receives config, feeds and campaigns from the live server', async () => {
    const t0 = performance.now();
    agent = await launch();
    const s = await until(
      () => (complete(agent!.getState(), 1) ? agent!.getState() : null),
      15_000,
      'live sync',
    );
    figures.firstSyncMs = Math.round(performance.now() - t0);
    expect(s.connection.online).toBe(true);
    expect(s.source).toBe('live');
    expect(s.config?.screenId).toBe(screen.id);
    expect(s.playlist.items[0]).toMatchObject({ campaignId, slideIndex: 0 });
    expect(s.playlist.items[0]?.assetUrl).toBe(`${agent.uiUrl}/assets/${imageSha}`);
    // The server sees the screen online with its content.
    const view = await until(
      async () => {
        const a = await Admin.login(server!.httpUrl);
        const v = await a.call<{ online: boolean; contentVersion: string | null }>(
          'GET',
          `/api/v1/screens/${screen.id}`,
        );
        return v.online && v.contentVersion && v.contentVersion !== 'none' ? v : null;
      },
      10_000,
      'server sees the screen online',
      100,
    );
    expect(view.online).toBe(true);
  });

  it('restarted with no network, serves its full state from the cache within 1 s', async () => {
    await server!.close();
    server = null;
    await until(() => !agent!.getState().connection.online, 10_000, 'agent notices the outage');
    await agent!.close();

    const t0 = performance.now();
    agent = await launch();
    const ws = new WebSocket(`${agent.uiUrl!.replace('http', 'ws')}/bridge`);
    const first = await new Promise<BridgeServerMessage>((resolve, reject) => {
      ws.once('message', (m) => resolve(JSON.parse(m.toString()) as BridgeServerMessage));
      ws.once('error', reject);
    });
    const stateMs = performance.now() - t0;
    ws.close();
    const asset = await fetch(`${agent.uiUrl}/assets/${imageSha}`);
    await asset.arrayBuffer();
    const assetMs = performance.now() - t0;
    figures.cacheStartupMs = agent.startupMs;
    figures.cacheStateOverBridgeMs = Math.round(stateMs * 10) / 10;
    figures.cacheAssetServedMs = Math.round(assetMs * 10) / 10;
    console.log(
      `[agent-offline] restart without network: cache loaded and UI serving in ${agent.startupMs} ms; ` +
        `full state received over the WebSocket bridge after ${figures.cacheStateOverBridgeMs} ms; ` +
        `cached image served after ${figures.cacheAssetServedMs} ms`,
    );
    expect(agent.startupMs).toBeLessThan(1000);
    expect(stateMs).toBeLessThan(1000);
    expect(first.state.source).toBe('cache');
    expect(first.state.connection.online).toBe(false);
    expect(complete(first.state, 1)).toBe(true);
    expect(first.state.feeds.water['bath-1']?.waterTempC).toBe(18.5);
    expect(asset.status).toBe(200);
    expect(Number(asset.headers.get('content-length'))).toBeGreaterThan(100_000);

    // Time passes without the server: the transport board goes stale, visibly.
    await until(
      () => agent!.getState().feedFreshness?.transport['stop-1'] === 'stale',
      (TRANSPORT_TTL_S + 2) * 1000,
      'transport stale',
    );
    expect(agent.getState().feedFreshness?.water['bath-1']).toBe('fresh');
  });

  it('is current again within 2 s of the server coming back, stale markers cleared', async () => {
    let onlineAt = 0;
    const off = agent!.subscribe((st) => {
      if (st.connection.online && !onlineAt) onlineAt = performance.now();
    });
    const t0 = performance.now();
    server = await startRealServer(join(dir, 'server'), ports);
    const tUp = performance.now();
    const serverUpMs = tUp - t0;
    // What changed while the screen was cut off: a new campaign version and fresh feed data.
    const admin = await Admin.login(server.httpUrl);
    await admin.call('PUT', `/api/v1/campaigns/${campaignId}`, {
      name: 'Harbour festival (moved to Sunday)',
      priority: 'normal',
      target: { groups: ['centre'] },
      slides: [
        { kind: 'image', asset: imageAsset, alt: { en: 'Festival poster' }, durationS: 8 },
        { kind: 'text', title: { en: 'Harbour festival on Sunday' }, durationS: 6 },
      ],
    });
    await publishFeed(server, transportSnapshot('stop-1', Date.now(), 60));
    await publishFeed(server, waterSnapshot('bath-1'));
    const tBack = performance.now();
    const s = await until(
      () => {
        const st = agent!.getState();
        return st.connection.online &&
          complete(st, 2) &&
          st.feedFreshness?.transport['stop-1'] === 'fresh' &&
          st.feedFreshness?.water['bath-1'] === 'fresh'
          ? st
          : null;
      },
      10_000,
      'resync',
    );
    const resyncMs = performance.now() - tBack;
    off();
    figures.serverStartMs = Math.round(serverUpMs);
    figures.reconnectAfterServerUpMs = Math.round(onlineAt - tUp);
    figures.resyncMs = Math.round(resyncMs);
    figures.currentAfterServerUpMs = Math.round(performance.now() - tUp);
    console.log(
      `[agent-offline] server back (started in ${figures.serverStartMs} ms): agent reconnected after ` +
        `${figures.reconnectAfterServerUpMs} ms; current (campaign v2 playing, feeds fresh) ${figures.resyncMs} ms ` +
        `after the last change was published, ${figures.currentAfterServerUpMs} ms after the server was up ` +
        '(includes the admin login and campaign update)',
    );
    // Strictest reading: from the moment the server is up, through the operator's own update, to
    // the screen showing it with fresh feeds.
    expect(figures.currentAfterServerUpMs).toBeLessThan(2000);
    expect(onlineAt - tUp).toBeLessThan(2000);
    expect(s.source).toBe('live');
    expect(Object.values(s.feedFreshness?.transport ?? {})).toEqual(['fresh']);
    expect(s.playlist.items[1]?.slide).toMatchObject({ title: { en: 'Harbour festival on Sunday' } });
  });
});
