import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StanderServer, startServer } from '../../control-server/server.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { transportSnapshot } from '../../kiosk/agent/testing/fixtures.ts';
import {
  ADMIN_PASSWORD,
  Admin,
  noisePng,
  publishFeed,
  startRealServer,
  until,
} from '../integration/agent-harness.ts';

/**
 * A full disk under the server's data directory and under a screen's cache (a 2 MiB tmpfs each;
 * mounting needs root, which the test machine and CI container have): clear errors, logged; no
 * file left corrupt; everything works again once space returns.
 */
let root: string;
const mounts: string[] = [];
let canMount = true;

function tmpfs(dir: string, size = '2m'): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
}

/** Fills the filesystem of `dir` until ENOSPC; returns the filler path. */
async function fill(dir: string): Promise<string> {
  const filler = join(dir, 'filler.bin');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
  } catch {
    // dd ends with "No space left on device": that is the point
  }
  return filler;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stander-diskfull-'));
  try {
    const probe = join(root, 'probe');
    execFileSync('mkdir', [probe]);
    tmpfs(probe, '64k');
  } catch {
    canMount = false;
    console.warn('disk-full tests skipped: cannot mount a tmpfs here (needs root)');
  }
});

afterAll(async () => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      // already gone
    }
  }
  await rm(root, { recursive: true, force: true });
});

describe('disk full', () => {
  it('on the server: 5xx with a message, logged, db.json whole, recovery when space returns', async (ctx) => {
    if (!canMount) ctx.skip();
    const dataDir = join(root, 'server');
    execFileSync('mkdir', [dataDir]);
    tmpfs(dataDir);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    let server: StanderServer | null = null;
    try {
      server = await startServer({
        dataDir,
        host: '127.0.0.1',
        httpPort: 0,
        mqttPort: 0,
        adminPassword: ADMIN_PASSWORD,
        log: pino({ level: 'warn' }, sink),
      });
      const admin = await Admin.login(server.httpUrl);
      const campaign = (n: string) => ({
        name: n,
        target: { all: true as const },
        slides: [{ kind: 'text' as const, title: { en: n }, durationS: 5 }],
      });
      const before = await admin.createCampaign(campaign('before the disk filled'));
      const filler = await fill(dataDir);

      const post = await fetch(`${server.httpUrl}/api/v1/campaigns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(campaign('while full')),
      });
      const body = (await post.json()) as { error?: string };
      console.info(`disk full (server): POST campaign -> ${post.status} ${JSON.stringify(body)}`);
      expect(post.status).toBe(507);
      expect(body.error).toMatch(/out of disk space/);

      const up = await fetch(`${server.httpUrl}/api/v1/content?name=x.png`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'image/png' },
        body: new Uint8Array(noisePng(300, 300, 3)),
      });
      const upBody = (await up.json()) as { error?: string };
      console.info(`disk full (server): POST content -> ${up.status} ${JSON.stringify(upBody)}`);
      expect(up.status).toBe(507);
      expect(upBody.error).toMatch(/out of disk space/);

      // The database on disk is whole and holds what was acknowledged; nothing half-written lies around.
      const doc = JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')) as {
        campaigns: Array<{ campaign: { id: string } }>;
      };
      expect(doc.campaigns.map((c) => c.campaign.id)).toContain(before.id);
      expect(JSON.stringify(doc)).not.toContain('while full');
      const logged = lines.join('');
      expect(logged).toMatch(/ENOSPC/);
      expect(logged).toMatch(/out of disk space/);

      // The API still answers reads while the disk is full.
      const list = await admin.call<{ campaigns: unknown[] }>('GET', '/api/v1/campaigns');
      expect(list.campaigns.length).toBe(1);

      await rm(filler);
      const after = await admin.createCampaign(campaign('after space returned'));
      const asset = await admin.upload(noisePng(300, 300, 3));
      expect(asset.sha256).toMatch(/^[0-9a-f]{64}$/);
      const again = JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')) as {
        campaigns: Array<{ campaign: { id: string } }>;
      };
      expect(again.campaigns.map((c) => c.campaign.id)).toEqual(
        expect.arrayContaining([before.id, after.id]),
      );
      const tmp = (await readdir(dataDir, { recursive: true })).filter((f) => /\.tmp|\.part/.test(String(f)));
      expect(tmp).toEqual([]);
    } finally {
      await server?.close();
    }
  });

  it('on a screen: it keeps showing live data, no cache file corrupt, caches again when space returns', async (ctx) => {
    if (!canMount) ctx.skip();
    const cacheDir = join(root, 'screen');
    execFileSync('mkdir', [cacheDir]);
    tmpfs(cacheDir);
    const server = await startRealServer(join(root, 'screen-server'));
    let agent: AgentHandle | null = null;
    try {
      const admin = await Admin.login(server.httpUrl);
      const screen = await admin.createScreen({
        name: 'Full kiosk',
        profile: 'street-kiosk',
        location: { lat: 55.68, lon: 12.57 },
        feeds: { transport: ['stop-1'] },
      });
      await admin.createCampaign({
        name: 'Always',
        target: { all: true },
        slides: [{ kind: 'text', title: { en: 'always' }, durationS: 5 }],
      });
      const launch = () =>
        startAgent({
          screenId: screen.id,
          token: screen.token,
          serverUrl: server.httpUrl,
          mqttUrl: server.mqttUrl,
          cacheDir,
          uiPort: null,
          hardware: new SimulatedHardware(),
          log: silentLogger,
          tickMs: 100,
          playsIntervalMs: 300,
        });
      agent = await launch();
      const a1 = agent;
      let snap = transportSnapshot('stop-1', Date.now(), 60);
      await publishFeed(server, snap);
      await until(
        () => a1.getState().feeds.transport['stop-1'] && a1.getState().playlist.items.length === 1,
        10_000,
        'sync',
      );
      await new Promise((r) => setTimeout(r, 300)); // cache writes land
      const filler = await fill(cacheDir);

      // Live data still reaches the screen while its disk is full.
      snap = transportSnapshot('stop-1', Date.now() + 1000, 60);
      await publishFeed(server, snap);
      await until(
        () => a1.getState().feeds.transport['stop-1']?.observedAt === snap.observedAt,
        5000,
        'live while full',
      );
      await admin.createCampaign({
        name: 'While full',
        target: { all: true },
        slides: [{ kind: 'text', title: { en: 'while full' }, durationS: 5 }],
      });
      await until(() => a1.getState().playlist.items.length === 2, 5000, 'campaign while full');
      // Plays counted while the disk is full are kept in memory, not lost, not a crash.
      const item = a1.getState().playlist.items[0];
      if (!item) throw new Error('no playlist item');
      for (let i = 0; i < 3; i++)
        a1.dispatch({
          type: 'play',
          campaignId: item.campaignId,
          campaignVersion: item.campaignVersion,
          slideIndex: 0,
          seconds: 5,
        });
      await new Promise((r) => setTimeout(r, 700)); // two rotations fail on the full disk
      await new Promise((r) => setTimeout(r, 500));
      const h = await a1.health();
      console.info(
        `disk full (screen): disk free ${h.disk?.freeBytes ?? 'n/a'} bytes, still playing ${a1.getState().playlist.items.length} campaigns`,
      );

      // Space returns for a moment: the plays batch is written and sent with all three plays.
      await rm(filler);
      await until(
        async () => {
          const p = await admin.call<{ rows: Array<{ campaignId: string; plays: number }> }>(
            'GET',
            '/api/v1/plays',
          );
          return (
            p.rows.filter((r) => r.campaignId === item.campaignId).reduce((n, r) => n + r.plays, 0) === 3
          );
        },
        8000,
        'plays recorded while the disk was full reach the server',
        100,
      );
      const filler2 = await fill(cacheDir);

      // Restart on the full disk: the cache loads, nothing is counted corrupt.
      await a1.close();
      agent = await launch();
      const a2 = agent;
      expect(a2.getState().source).toBe('cache');
      expect(a2.getState().playlist.items.length).toBeGreaterThanOrEqual(1);
      expect((await a2.health()).cacheCorruptions).toBe(0);
      await until(() => a2.getState().playlist.items.length === 2, 5000, 'resync after restart');

      // Space returns: new messages are cached again and survive a restart.
      await rm(filler2);
      snap = transportSnapshot('stop-1', Date.now() + 2000, 60);
      await publishFeed(server, snap);
      await until(
        () => a2.getState().feeds.transport['stop-1']?.observedAt === snap.observedAt,
        5000,
        'live after',
      );
      await new Promise((r) => setTimeout(r, 500));
      await a2.close();
      agent = await startAgent({
        screenId: screen.id,
        token: screen.token,
        serverUrl: 'http://127.0.0.1:9', // offline: only the cache speaks
        mqttUrl: 'mqtt://127.0.0.1:9',
        cacheDir,
        uiPort: null,
        hardware: new SimulatedHardware(),
        log: silentLogger,
        tickMs: 100,
      });
      const s = agent.getState();
      expect(s.feeds.transport['stop-1']?.observedAt).toBe(snap.observedAt);
      expect(s.playlist.items.length).toBe(2);
      expect((await agent.health()).cacheCorruptions).toBe(0);
      const files = await readdir(join(cacheDir, 'messages'));
      expect(files.filter((f) => f.endsWith('.corrupt'))).toEqual([]);
    } finally {
      await agent?.close();
      await server.close();
    }
  });
});
