import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../control-server/feeds/testing.ts';
import { silentLogger } from '../../control-server/log.ts';
import { type StanderServer, startServer } from '../../control-server/server.ts';
import { FeedSnapshotSchema, topics } from '../../protocol/index.ts';

// The composed control server with the demo feeds of content/feeds.json: the poller's health in the REST
// API, its metrics on /metrics, and its snapshots retained on the embedded broker for a screen.

const ADMIN = 'admin-pass-123456';
let server: StanderServer;
let dataDir: string;
let token: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'stander-feeds-server-'));
  server = await startServer({
    dataDir,
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    adminPassword: ADMIN,
    log: silentLogger(),
    feeds: true,
    feedsConfig: path.join(REPO_ROOT, 'content/feeds.json'),
  });
  const r = await fetch(`${server.httpUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN }),
  });
  token = ((await r.json()) as { token: string }).token;
});

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('feeds in the control server', () => {
  it('shows each source health in GET /api/v1/feeds/health', async () => {
    type Body = {
      poller: {
        sources: {
          id: string;
          consecutiveFailures: number;
          itemCount: number;
          lastSuccessAt: string | null;
        }[];
      };
    };
    const get = async () => {
      const r = await fetch(`${server.httpUrl}/api/v1/feeds/health`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.status).toBe(200);
      return (await r.json()) as Body;
    };
    // The first polls run on the parse worker, which may still be starting on a busy machine.
    let body = await get();
    const end = Date.now() + 30_000;
    while (body.poller.sources.some((s) => !s.lastSuccessAt) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      body = await get();
    }
    expect(body.poller.sources.map((s) => s.id)).toEqual([
      'demo-transport',
      'demo-parking',
      'demo-water',
      'demo-events',
    ]);
    for (const s of body.poller.sources) {
      expect(s.consecutiveFailures).toBe(0);
      expect(s.itemCount).toBeGreaterThan(0);
    }
  });

  it('counts publishes in /metrics', async () => {
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(text).toMatch(/stander_feed_publishes_total\{[^}]*source="demo-transport"[^}]*\} [1-9]/);
    expect(text).toMatch(/stander_feed_items\{[^}]*source="demo-events"[^}]*\} [1-9]/);
  });

  it('delivers the retained demo snapshots to a provisioned screen', async () => {
    const created = await fetch(`${server.httpUrl}/api/v1/screens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Kiosk Rådhuspladsen',
        profile: 'street-kiosk',
        location: { lat: 55.676, lon: 12.568 },
      }),
    });
    const screen = (await created.json()) as { id: string; token: string };
    const c = await mqtt.connectAsync(server.mqttUrl, {
      username: screen.id,
      password: screen.token,
      clientId: `${screen.id}:feeds`,
      reconnectPeriod: 0,
    });
    try {
      const got = new Map<string, string>();
      c.on('message', (t, p, packet) => {
        if (packet.retain) got.set(t, p.toString());
      });
      await c.subscribeAsync('v1/feeds/#', { qos: 1 });
      const want = [
        topics.feed('transport', 'raadhuspladsen'),
        topics.feed('events', 'copenhagen'),
        topics.feed('water', 'sandkaj'),
      ];
      const end = Date.now() + 10_000;
      while (!want.every((t) => got.has(t)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      for (const t of want) {
        const snap = FeedSnapshotSchema.parse(JSON.parse(got.get(t) ?? 'null'));
        expect(snap.demo).toBe(true);
      }
    } finally {
      await c.endAsync(true);
    }
  });
});
