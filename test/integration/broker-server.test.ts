import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { publishScreenConfig } from '../../control-server/api/publish.ts';
import { silentLogger } from '../../control-server/log.ts';
import { type StanderServer, startServer } from '../../control-server/server.ts';
import {
  messages,
  mosquittoPub,
  mosquittoSub,
  run,
  statusJson,
  subackCodes,
  tempDir,
  waitFor,
} from './broker-helpers.ts';
import { RestClient } from './broker-rest-client.ts';

// The whole control server (store, embedded broker, REST), driven by Debian's real mosquitto clients.
let tmp: { dir: string; cleanup: () => Promise<void> };
let server: StanderServer;
let rest: RestClient;
let a: { id: string; token: string };
let b: { id: string; token: string };
let campaignId = '';

const start = () =>
  startServer({
    dataDir: tmp.dir,
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    adminPassword: 'admin-secret-1',
    log: silentLogger(),
  });

beforeAll(async () => {
  tmp = await tempDir('server');
  server = await start();
  rest = new RestClient(server.httpUrl);
  await rest.login('admin', 'admin-secret-1');
  a = await rest.provision('kiosk-a');
  b = await rest.provision('kiosk-b');
  campaignId = await rest.createCampaign('Harbour festival');
});

afterAll(async () => {
  await server?.close();
  await tmp?.cleanup();
});

const cred = (s: { id: string; token: string }) => ({
  port: server.mqttPort ?? 0,
  user: s.id,
  pass: s.token,
});

describe('control server with its embedded broker', () => {
  it('gives a provisioned screen its retained config and the campaign made through REST', async () => {
    const r = await mosquittoSub(cred(a), [topics.screenConfig(a.id), topics.campaign(campaignId)], 2, 5);
    expect(r.code, r.stderr).toBe(0);
    const got = messages(r.stdout);
    const config = JSON.parse(got.find((m) => m.topic === topics.screenConfig(a.id))?.payload ?? '{}');
    expect(config).toMatchObject({ screenId: a.id, profile: 'info-screen', groups: ['harbour'] });
    const campaign = JSON.parse(got.find((m) => m.topic === topics.campaign(campaignId))?.payload ?? '{}');
    expect(campaign).toMatchObject({ id: campaignId, name: 'Harbour festival', version: 1 });
  });

  it("refuses another screen's cmd and config and wildcard tricks", async () => {
    for (const f of [topics.screenCmd(b.id), topics.screenConfig(b.id), '#', '+/+/+', '$SYS/#']) {
      const r = await mosquittoSub(cred(a), [f], 1, 1);
      expect(subackCodes(r.stdout), f).toEqual([128]);
      expect(messages(r.stdout), f).toEqual([]);
    }
  });

  it("cannot publish another screen's status: the REST view of that screen is unchanged", async () => {
    const before = await rest.screen(b.id);
    expect(before.online).toBe(false);
    await mosquittoPub(cred(a), topics.screenStatus(b.id), statusJson('online', { appVersion: '6.6.6' }), {
      retain: true,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await rest.screen(b.id)).toEqual(before);
    // and its own status does show
    await mosquittoPub(cred(a), topics.screenStatus(a.id), statusJson('online', { appVersion: '1.0.0' }), {
      retain: true,
    });
    const view = await (async () => {
      for (let i = 0; i < 40; i++) {
        const v = await rest.screen(a.id);
        if (v.appVersion === '1.0.0') return v;
        await new Promise((r) => setTimeout(r, 50));
      }
      return rest.screen(a.id);
    })();
    expect(view.appVersion).toBe('1.0.0');
    expect(typeof view.lastSeen).toBe('string');
  });

  it('shows the latest health in the REST view; counts an invalid report on /metrics', async () => {
    const health = {
      at: new Date().toISOString(),
      uptimeS: 100,
      cpuPercent: 12.5,
      memory: { rssBytes: 1e8, freeBytes: 1e9, totalBytes: 4e9 },
      disk: { freeBytes: 5e9, totalBytes: 3e10 },
      temperatureC: 41,
      display: { on: true, brightness: 80 },
      feeds: [],
      contentVersion: 'c-1',
      downloads: { pending: 0, bytesDone: 0, bytesTotal: 0 },
      invalidMessages: 0,
      cacheCorruptions: 0,
      renderer: { state: 'ok', restarts: 0 },
    };
    await mosquittoPub(cred(a), topics.screenHealth(a.id), JSON.stringify(health));
    await waitFor(() => server.health.latest(a.id), 3000);
    const view = await rest.screen(a.id);
    expect(view.health).toMatchObject({ cpuPercent: 12.5, temperatureC: 41 });
    const bad = await mosquittoPub(
      cred(a),
      topics.screenHealth(a.id),
      JSON.stringify({ ...health, cpuPercent: 'hot' }),
    );
    expect(bad.stdout).toContain('received PUBACK');
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /stander_invalid_messages_total\{[^}]*kind="health"[^}]*reason="schema"[^}]*\} [1-9]/,
    );
    expect((await rest.screen(a.id)).health).toMatchObject({ cpuPercent: 12.5 });
  });

  it('serves MQTT over WebSocket at /mqtt on the HTTP port', async () => {
    expect(server.wsUrl).toBe(`${server.httpUrl.replace('http', 'ws')}/mqtt`);
    const c = await mqtt.connectAsync(server.wsUrl ?? '', {
      clientId: `${b.id}:ws`,
      username: b.id,
      password: b.token,
      reconnectPeriod: 0,
    });
    try {
      const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
      await c.subscribeAsync(topics.screenConfig(b.id), { qos: 1 });
      expect(JSON.parse(await got)).toMatchObject({ screenId: b.id });
    } finally {
      await c.endAsync();
    }
  });

  it('refuses a wrong token', async () => {
    const r = await mosquittoSub({ ...cred(a), pass: `${a.token}x` }, ['v1/feeds/#'], 1, 2);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('not authorised');
    const other = await mosquittoSub({ ...cred(a), pass: b.token }, ['v1/feeds/#'], 1, 2);
    expect(other.code).toBe(5);
  });

  it("ends a screen's live connection when its token is rotated; the old token is refused", async () => {
    const c = await mqtt.connectAsync(server.mqttUrl, {
      clientId: a.id,
      username: a.id,
      password: a.token,
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    const rotated = await rest.request('POST', `/api/v1/screens/${a.id}/token`);
    expect(rotated.status).toBe(200);
    const fresh = { id: a.id, token: (rotated.body as { token: string }).token };
    await closed;
    c.end(true);
    const old = await mosquittoSub(cred(a), ['v1/feeds/#'], 1, 2);
    expect(old.code).toBe(5);
    a = fresh;
    const ok = await mosquittoSub(cred(a), [topics.screenConfig(a.id)], 1, 3);
    expect(ok.code).toBe(0);
  });

  it('publishes the retained state again after a restart', async () => {
    await server.close();
    server = await start();
    rest = new RestClient(server.httpUrl);
    const r = await mosquittoSub(cred(b), [topics.screenConfig(b.id), topics.campaign(campaignId)], 2, 5);
    expect(
      messages(r.stdout)
        .map((m) => m.topic)
        .sort(),
    ).toEqual([topics.campaign(campaignId), topics.screenConfig(b.id)].sort());
  });
});

describe('control server with TLS', () => {
  it('serves HTTPS, wss /mqtt and mqtts with the configured certificate', async () => {
    const dir = await tempDir('tls');
    const cert = path.join(dir.dir, 'cert.pem');
    const key = path.join(dir.dir, 'key.pem');
    const ssl = await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    expect(ssl.code, ssl.stderr).toBe(0);
    const secure = await startServer({
      dataDir: path.join(dir.dir, 'data'),
      host: '127.0.0.1',
      httpPort: 0,
      mqttPort: 0,
      mqttsPort: 0,
      tls: { certFile: cert, keyFile: key },
      adminPassword: 'admin-secret-1',
      log: silentLogger(),
    });
    try {
      expect(secure.httpUrl).toMatch(/^https:/);
      expect(secure.wsUrl).toMatch(/^wss:/);
      const ca = await readFile(cert);
      const status = await new Promise<number>((resolve, reject) => {
        https
          .get(`${secure.httpUrl}/healthz`, { ca }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
      expect(status).toBe(200);
      const login = await new Promise<string>((resolve, reject) => {
        const req = https.request(
          `${secure.httpUrl}/api/v1/session`,
          { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
          (res) => {
            let body = '';
            res.on('data', (d: Buffer) => {
              body += d.toString();
            });
            res.on('end', () => resolve((JSON.parse(body) as { token: string }).token));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ username: 'admin', password: 'admin-secret-1' }));
      });
      expect(login.length).toBeGreaterThan(10);
      // mqtts: a provisioned screen (through the store) reads its retained config over TLS.
      const { screen, token } = await secure.store.createScreen({
        name: 'tls-screen',
        profile: 'parking-post',
        location: { lat: 55, lon: 12 },
        groups: [],
        tags: [],
        languages: ['da'],
        defaultLanguage: 'da',
        displayHours: null,
      });
      await publishScreenConfig(secure.bus, screen);
      const port = new URL(secure.mqttsUrl ?? '').port;
      const r = await run('mosquitto_sub', [
        '-h',
        '127.0.0.1',
        '-p',
        port,
        '--cafile',
        cert,
        '-u',
        screen.id,
        '-P',
        token,
        '-i',
        screen.id,
        '-t',
        topics.screenConfig(screen.id),
        '-C',
        '1',
        '-W',
        '5',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ screenId: screen.id });
      const c = await mqtt.connectAsync(secure.wsUrl ?? '', {
        ca,
        clientId: screen.id,
        username: screen.id,
        password: token,
        reconnectPeriod: 0,
      });
      await c.endAsync();
    } finally {
      await secure.close();
      await dir.cleanup();
    }
  });
});

describe('npm run server (control-server/main.ts)', () => {
  it('prints a parseable ready line, serves, and stops cleanly on SIGTERM', async () => {
    const dir = await tempDir('main');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'control-server/main.ts',
        '--data-dir',
        dir.dir,
        '--http-port',
        '0',
        '--mqtt-port',
        '0',
        '--host',
        '127.0.0.1',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, STANDER_LOG_LEVEL: 'warn', STANDER_ADMIN_PASSWORD: '' },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      const line = await waitFor(() => /Stander control server ready: (.*)/.exec(out)?.[1], 30_000);
      const urls = Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]));
      expect(urls.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(urls.mqtt).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      expect(urls.ws).toBe(`${urls.http?.replace('http', 'ws')}/mqtt`);
      expect(out).toMatch(/created user "admin" with password \S+/);
      const health = await fetch(`${urls.http}/healthz`);
      expect(health.status).toBe(200);
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await dir.cleanup();
    }
  });

  it('exits with code 2 and names the setting on a bad value', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'control-server/main.ts', '--http-port', 'eighty'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('STANDER_HTTP_PORT (--http-port) = "eighty"');
  });
});
