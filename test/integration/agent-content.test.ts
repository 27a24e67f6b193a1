import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StanderServer } from '../../control-server/server.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { type AssetServer, startAssetServer } from '../../kiosk/agent/testing/asset-server.ts';
import {
  Admin,
  type CuttingProxy,
  noisePng,
  startCuttingProxy,
  startRealServer,
  until,
} from './agent-harness.ts';

/**
 * Verified downloads against the real control server's /content/{sha256} route:
 * a download cut at half resumes with Range and verifies; bytes that do not match their sha256
 * are rejected and never played, while the verified playlist keeps playing.
 */
describe('agent content downloads against the real control server', () => {
  let dir: string;
  let server: StanderServer;
  let proxy: CuttingProxy;
  let foreign: AssetServer;
  let admin: Admin;
  let agent: AgentHandle;
  let screen: { id: string; token: string };
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-agent-content-'));
    server = await startRealServer(join(dir, 'server'));
    proxy = await startCuttingProxy(server.httpPort);
    foreign = await startAssetServer(new Map());
    admin = await Admin.login(server.httpUrl);
    screen = await admin.createScreen({
      name: 'Nørreport info screen',
      profile: 'info-screen',
      location: { lat: 55.6833, lon: 12.5719 },
      groups: ['stations'],
      tags: [],
    });
    agent = await startAgent({
      screenId: screen.id,
      token: screen.token,
      serverUrl: proxy.url,
      mqttUrl: server.mqttUrl,
      cacheDir: join(dir, 'screen-cache'),
      uiPort: 0,
      rendererDir: join(dir, 'no-renderer'),
      hardware: new SimulatedHardware(),
      log: silentLogger,
      download: { retryBaseMs: 200, retryMaxMs: 1000 },
      tickMs: 100,
    });
    await until(() => agent.getState().connection.online && agent.getState().config, 10_000, 'agent online');
  });

  afterAll(async () => {
    await agent?.close();
    await proxy?.close();
    await foreign?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    console.log(`[agent-content figures] ${JSON.stringify(figures)}`);
  });

  it('resumes a download cut at half with a Range request and plays it once verified', async () => {
    const png = noisePng(512, 512, 11);
    const asset = await admin.upload(png);
    expect(asset.size).toBe(png.length);
    proxy.cutNextAfter(Math.floor(png.length / 2));
    const before = proxy.connections.length;
    const progress: number[] = [];
    const off = agent.subscribe((s) => {
      if (s.downloads.pending > 0) progress.push(s.downloads.bytesDone);
    });
    const t0 = performance.now();
    const { id } = await admin.createCampaign({
      name: 'Station works',
      priority: 'high',
      target: { groups: ['stations'] },
      slides: [{ kind: 'image', asset, alt: { en: 'Map of the works' }, durationS: 10 }],
    });
    const s = await until(
      () => (agent.getState().playlist.items.some((i) => i.campaignId === id) ? agent.getState() : null),
      20_000,
      'campaign playable',
    );
    off();
    figures.cutDownloadMs = Math.round(performance.now() - t0);
    const conns = proxy.connections.slice(before);
    figures.assetBytes = png.length;
    figures.firstConnectionBytes = conns[0] ?? 0;
    figures.totalBytesOverWire = conns.reduce((a, b) => a + b, 0);
    console.log(
      `[agent-content] ${png.length} byte asset: connection cut after ${conns[0]} bytes, resumed on ` +
        `${conns.length - 1} more connection(s), ${figures.totalBytesOverWire} bytes in total, ` +
        `verified and playing after ${figures.cutDownloadMs} ms`,
    );
    // Cut at half, then only the rest was fetched (headers aside), not the whole file again.
    expect(conns.length).toBeGreaterThanOrEqual(2);
    expect(conns[0]).toBe(Math.floor(png.length / 2));
    expect(figures.totalBytesOverWire).toBeLessThan(png.length + 4096);
    // Progress was visible to the UI while it downloaded.
    expect(progress.some((b) => b > 0 && b < png.length)).toBe(true);
    const item = s.playlist.items.find((i) => i.campaignId === id)!;
    const served = Buffer.from(await (await fetch(item.assetUrl!)).arrayBuffer());
    expect(createHash('sha256').update(served).digest('hex')).toBe(asset.sha256);
    expect(served.equals(png)).toBe(true);
    const stored = await readFile(join(dir, 'screen-cache', 'content', 'blobs', asset.sha256));
    expect(stored.equals(png)).toBe(true);
    expect(await readdir(join(dir, 'screen-cache', 'content', 'partial'))).toEqual([]);
  });

  it('rejects an asset whose bytes do not match its sha256 and never plays it', async () => {
    const playingBefore = agent.getState().playlist.items.map((i) => `${i.campaignId}@${i.campaignVersion}`);
    const claimed = noisePng(64, 64, 1);
    const actual = noisePng(64, 64, 2);
    const sha256 = createHash('sha256').update(claimed).digest('hex');
    // An asset hosted elsewhere (allowed by the API: the screen verifies it), serving other bytes.
    const path = `/media/${sha256}.png`;
    const foreignBlobs = new Map([[path, actual]]);
    await foreign.close();
    foreign = await startAssetServer(foreignBlobs);
    const { id } = await admin.createCampaign({
      name: 'Tampered poster',
      priority: 'emergency',
      target: { all: true },
      slides: [
        {
          kind: 'image',
          asset: { sha256, size: actual.length, mime: 'image/png', url: `${foreign.url}${path}` },
          durationS: 10,
        },
      ],
    });
    await until(() => agent.core.content.failureOf(sha256)?.rejected, 10_000, 'rejection');
    const failure = agent.core.content.failureOf(sha256)!;
    expect(failure.error).toMatch(/sha256 mismatch/);
    // Some time later it still is not played, not even as an emergency, and not served.
    await new Promise((r) => setTimeout(r, 500));
    const s = agent.getState();
    expect(s.playlist.emergency).toBeNull();
    expect(s.playlist.items.some((i) => i.campaignId === id)).toBe(false);
    expect(s.playlist.items.map((i) => `${i.campaignId}@${i.campaignVersion}`)).toEqual(playingBefore);
    expect((await fetch(`${agent.uiUrl}/assets/${sha256}`)).status).toBe(404);
    expect(await readdir(join(dir, 'screen-cache', 'content', 'blobs'))).not.toContain(sha256);
    // The screen token never went to the foreign host.
    expect(foreign.requests.length).toBeGreaterThan(0);
    expect(foreign.requests.every((r) => r.authorization === undefined)).toBe(true);
    const health = await agent.health();
    expect(health.downloads.pending).toBe(1);
  });
});
