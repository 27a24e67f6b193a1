import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StanderServer } from '../../control-server/server.ts';
import { waterSnapshot } from '../../kiosk/agent/testing/fixtures.ts';
import type { BridgeServerMessage, KioskState } from '../../kiosk/bridge/types.ts';
import { Admin, publishFeed, startRealServer, until } from './agent-harness.ts';

/**
 * `npm run kiosk` as a process (STANDER_SHELL=none): it syncs from the real server, is killed with
 * SIGKILL (no chance to tidy up), and started again with the server gone: it serves its cached
 * state over the WebSocket bridge.
 */

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function bridgeState(uiUrl: string): Promise<KioskState | null> {
  const ws = new WebSocket(`${uiUrl.replace('http', 'ws')}/bridge`);
  try {
    return await new Promise<KioskState | null>((resolve) => {
      ws.once('message', (m) => resolve((JSON.parse(m.toString()) as BridgeServerMessage).state));
      ws.once('error', () => resolve(null));
    });
  } finally {
    ws.terminate();
  }
}

describe('npm run kiosk (STANDER_SHELL=none) as a process', () => {
  let dir: string;
  let server: StanderServer | null = null;
  let child: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let uiUrl: string;

  const run = () => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'kiosk/main.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout?.resume();
    p.stderr?.resume();
    return p;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-agent-cli-'));
    server = await startRealServer(join(dir, 'server'));
    const admin = await Admin.login(server.httpUrl);
    const screen = await admin.createScreen({
      name: 'CLI screen',
      profile: 'info-screen',
      location: { lat: 55.68, lon: 12.57 },
      groups: [],
      tags: [],
      feeds: { water: ['bath-1'] },
    });
    await admin.createCampaign({
      name: 'Welcome',
      priority: 'normal',
      target: { all: true },
      slides: [{ kind: 'text', title: { en: 'Welcome to Copenhagen' }, durationS: 10 }],
    });
    await publishFeed(server, waterSnapshot('bath-1'));
    const uiPort = await freePort();
    uiUrl = `http://127.0.0.1:${uiPort}`;
    env = {
      ...process.env,
      STANDER_SERVER_URL: server.httpUrl,
      STANDER_MQTT_URL: server.mqttUrl,
      STANDER_SCREEN_ID: screen.id,
      STANDER_SCREEN_TOKEN: screen.token,
      STANDER_CACHE_DIR: join(dir, 'cache'),
      STANDER_UI_PORT: String(uiPort),
      STANDER_SHELL: 'none',
      STANDER_HARDWARE: 'sim',
      STANDER_LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs, survives SIGKILL, and serves its cache with the server gone', async () => {
    child = run();
    const live = await until(
      async () => {
        const s = await bridgeState(uiUrl);
        return s?.connection.online && s.playlist.items.length === 1 && s.feeds.water['bath-1'] ? s : null;
      },
      40_000,
      'kiosk process synced',
      200,
    );
    expect(live.source).toBe('live');
    // Give the cache writes of the last messages a moment, then kill without warning.
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    await server!.close();
    server = null;

    child = run();
    const cached = await until(() => bridgeState(uiUrl), 40_000, 'kiosk process serving again', 200);
    expect(cached.source).toBe('cache');
    expect(cached.connection.online).toBe(false);
    expect(cached.playlist.items[0]?.slide).toMatchObject({ title: { en: 'Welcome to Copenhagen' } });
    expect(cached.feeds.water['bath-1']?.waterTempC).toBe(18.5);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    child = null;
  });
});
