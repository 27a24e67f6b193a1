import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StanderServer } from '../../control-server/server.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { screenConfig, textCampaign, waterSnapshot } from '../../kiosk/agent/testing/fixtures.ts';
import { StatusSchema, topics } from '../../protocol/index.ts';
import { Admin, publishFeed, startRealServer, until } from './agent-harness.ts';

/**
 * The agent is broker-agnostic: MQTT over WebSocket to the control server's /mqtt, and plain
 * MQTT 3.1.1 to Debian's Mosquitto with a password file and an ACL like a production broker's.
 */

const hasMosquitto = spawnSync('mosquitto', ['-h']).error === undefined;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('agent over MQTT-over-WebSocket to the real control server', () => {
  let dir: string;
  let server: StanderServer;
  let agent: AgentHandle | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-agent-ws-'));
    server = await startRealServer(join(dir, 'server'));
  });
  afterAll(async () => {
    await agent?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs over ws://host/mqtt', async () => {
    const admin = await Admin.login(server.httpUrl);
    const screen = await admin.createScreen({
      name: 'WS screen',
      profile: 'info-screen',
      location: { lat: 55.68, lon: 12.57 },
      groups: [],
      tags: [],
      feeds: { water: ['bath-1'] },
    });
    await publishFeed(server, waterSnapshot('bath-1'));
    expect(server.wsUrl).toMatch(/^ws:\/\/.*\/mqtt$/);
    agent = await startAgent({
      screenId: screen.id,
      token: screen.token,
      serverUrl: server.httpUrl,
      mqttUrl: server.wsUrl!,
      cacheDir: join(dir, 'cache'),
      uiPort: null,
      hardware: new SimulatedHardware(),
      log: silentLogger,
    });
    const s = await until(
      () =>
        agent!.getState().connection.online && agent!.getState().feeds.water['bath-1']
          ? agent!.getState()
          : null,
      10_000,
      'sync over WebSocket',
    );
    expect(s.config?.screenId).toBe(screen.id);
  });
});

describe.skipIf(!hasMosquitto)('agent against Mosquitto', () => {
  let dir: string;
  let port: number;
  let broker: ChildProcess;
  let agent: AgentHandle | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-agent-mosq-'));
    port = await freePort();
    const passwd = join(dir, 'passwd');
    await writeFile(passwd, '');
    for (const [user, pw] of [
      ['kiosk-7', 'device-token-7'],
      ['stander-server', 'server-pw'],
    ] as const) {
      const r = spawnSync('mosquitto_passwd', ['-b', passwd, user, pw]);
      if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    }
    await writeFile(
      join(dir, 'acl'),
      [
        'user stander-server',
        'topic readwrite v1/#',
        '',
        'pattern read v1/feeds/#',
        'pattern read v1/campaigns/#',
        'pattern read v1/screens/%u/config',
        'pattern read v1/screens/%u/cmd',
        'pattern write v1/screens/%u/status',
        'pattern write v1/screens/%u/health',
        'pattern write v1/screens/%u/plays',
        'pattern write v1/screens/%u/cmd/result',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${passwd}`,
        `acl_file ${join(dir, 'acl')}`,
        'persistence false',
        // As root, Mosquitto would drop to the "mosquitto" user, who cannot read our temp dir.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        '',
      ].join('\n'),
    );
    broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
    await until(
      async () => {
        const c = await mqtt
          .connectAsync(`mqtt://127.0.0.1:${port}`, {
            username: 'stander-server',
            password: 'server-pw',
            reconnectPeriod: 0,
            connectTimeout: 500,
          })
          .catch(() => null);
        await c?.endAsync();
        return c !== null;
      },
      10_000,
      'mosquitto up',
      100,
    );
  });
  afterAll(async () => {
    await agent?.close();
    broker?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('connects with its token, syncs retained messages, publishes status with a last will', async () => {
    const serverClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: 'stander-server',
      username: 'stander-server',
      password: 'server-pw',
    });
    const id = 'kiosk-7';
    await serverClient.publishAsync(topics.screenConfig(id), JSON.stringify(screenConfig(id)), {
      qos: 1,
      retain: true,
    });
    await serverClient.publishAsync(topics.campaign('c1'), JSON.stringify(textCampaign('c1')), {
      qos: 1,
      retain: true,
    });
    const statuses: string[] = [];
    await serverClient.subscribeAsync(topics.screenStatus(id), { qos: 1 });
    serverClient.on('message', (_t, p) => statuses.push(StatusSchema.parse(JSON.parse(p.toString())).state));

    agent = await startAgent({
      screenId: id,
      token: 'device-token-7',
      serverUrl: 'http://127.0.0.1:1',
      mqttUrl: `mqtt://127.0.0.1:${port}`,
      cacheDir: join(dir, 'cache'),
      uiPort: null,
      hardware: new SimulatedHardware(),
      log: silentLogger,
    });
    await until(
      () => agent!.getState().connection.online && agent!.getState().playlist.items.length === 1,
      10_000,
      'sync via mosquitto',
    );
    await until(() => statuses.at(-1) === 'online', 5000, 'online status');
    await agent.close();
    agent = null;
    await until(() => statuses.at(-1) === 'offline', 5000, 'offline status');
    await serverClient.endAsync();
  });
});
