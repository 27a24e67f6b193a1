import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { writeMosquittoFiles } from '../../control-server/broker/mosquitto-files.ts';
import { silentLogger } from '../../control-server/log.ts';
import { type StanderServer, startServer } from '../../control-server/server.ts';
import {
  freePort,
  messages,
  mosquittoPub,
  mosquittoSub,
  run,
  statusJson,
  tempDir,
  waitFor,
} from './broker-helpers.ts';
import { RestClient } from './broker-rest-client.ts';

// External-broker mode against a real Mosquitto, reading the password and ACL files the server writes
// (and reloads on SIGHUP through its pid file). Same ACL checks as against the embedded broker.
const SERVER_PW = 'server-password-for-tests';
let tmp: { dir: string; cleanup: () => Promise<void> };
let mosquitto: ChildProcess;
let mosquittoLog = '';
let port = 0;
let server: StanderServer;
let rest: RestClient;
let a: { id: string; token: string };
let b: { id: string; token: string };
let campaignId = '';

let confFile = '';
async function startMosquitto(): Promise<void> {
  mosquitto = spawn('mosquitto', ['-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  mosquitto.stderr?.on('data', (d: Buffer) => {
    mosquittoLog += d.toString();
  });
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) await new Promise((r) => setTimeout(r, 50));
}

async function portOpen(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(p, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Waits until Mosquitto accepts this screen (its files were written and re-read). */
async function waitAccepted(s: { id: string; token: string }) {
  for (let i = 0; i < 50; i++) {
    const r = await run('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-u',
      s.id,
      '-P',
      s.token,
      '-i',
      s.id,
      '-t',
      'v1/feeds/#',
      '-W',
      '1',
    ]);
    if (!r.stderr.includes('not authorised')) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`mosquitto never accepted ${s.id}`);
}

beforeAll(async () => {
  tmp = await tempDir('mosquitto');
  port = await freePort();
  const dir = path.join(tmp.dir, 'mosquitto');
  const pidFile = path.join(tmp.dir, 'mosquitto.pid');
  // Mosquitto needs its files at start; the server writes the same ones (with no screens yet).
  await writeMosquittoFiles({
    dir,
    serverUsername: 'stander-server',
    serverPassword: SERVER_PW,
    screens: [],
  });
  const conf = path.join(tmp.dir, 'mosquitto.conf');
  await writeFile(
    conf,
    [
      'user root',
      `pid_file ${pidFile}`,
      'per_listener_settings false',
      'allow_anonymous false',
      `password_file ${path.join(dir, 'passwd')}`,
      `acl_file ${path.join(dir, 'acl')}`,
      'use_username_as_clientid true',
      `listener ${port} 127.0.0.1`,
      '',
    ].join('\n'),
  );
  confFile = conf;
  await startMosquitto();

  server = await startServer({
    dataDir: path.join(tmp.dir, 'data'),
    host: '127.0.0.1',
    httpPort: 0,
    brokerUrl: `mqtt://127.0.0.1:${port}`,
    brokerPassword: SERVER_PW,
    mosquitto: { dir, pidFile, reloadCommand: null },
    mosquittoSyncMs: 200,
    adminPassword: 'admin-secret-1',
    log: silentLogger(),
  });
  expect(server.mode).toBe('external');
  rest = new RestClient(server.httpUrl);
  await rest.login('admin', 'admin-secret-1');
  a = await rest.provision('post-a');
  b = await rest.provision('post-b');
  campaignId = await rest.createCampaign('Parking week');
  await waitAccepted(a);
  await waitAccepted(b);
}, 60_000);

afterAll(async () => {
  await server?.close();
  mosquitto?.kill('SIGTERM');
  await tmp?.cleanup();
});

const cred = (s: { id: string; token: string }) => ({ port, user: s.id, pass: s.token });

describe('external Mosquitto with the files the server generated', () => {
  it('wrote the password file with $7$ hashes of the device tokens, never the tokens', async () => {
    const passwd = await readFile(path.join(tmp.dir, 'mosquitto', 'passwd'), 'utf8');
    expect(passwd).toMatch(/^post-a:\$7\$101\$/m);
    expect(passwd).not.toContain(a.token);
    expect(passwd).not.toContain(SERVER_PW);
  });

  it('gives a provisioned screen its retained config and the campaign made through REST', async () => {
    const r = await mosquittoSub(cred(a), [topics.screenConfig(a.id), topics.campaign(campaignId)], 2, 5);
    expect(r.code, `${r.stderr}\n${mosquittoLog}`).toBe(0);
    const got = messages(r.stdout);
    expect(JSON.parse(got.find((m) => m.topic === topics.screenConfig(a.id))?.payload ?? '{}')).toMatchObject(
      { screenId: a.id },
    );
    expect(
      JSON.parse(got.find((m) => m.topic === topics.campaign(campaignId))?.payload ?? '{}'),
    ).toMatchObject({ id: campaignId });
  });

  it('delivers nothing of another screen, whatever the filter (Mosquitto grants, then filters by ACL)', async () => {
    for (const f of [topics.screenCmd(b.id), topics.screenConfig(b.id), '$SYS/#']) {
      const r = await mosquittoSub(cred(a), [f], 1, 1);
      expect(messages(r.stdout), f).toEqual([]);
    }
    // `#` and `+/+/+` see only what the screen may read: feeds, campaigns and its own config.
    const all = await mosquittoSub(cred(a), ['#'], 10, 2);
    const allTopics = messages(all.stdout).map((m) => m.topic);
    expect(allTopics).toContain(topics.screenConfig(a.id));
    expect(allTopics.some((t) => t.includes(b.id))).toBe(false);
    const three = await mosquittoSub(cred(a), ['+/+/+'], 10, 2);
    expect(messages(three.stdout).map((m) => m.topic)).toEqual([topics.campaign(campaignId)]);
  });

  it("cannot publish another screen's status: the REST view of that screen is unchanged", async () => {
    const before = await rest.screen(b.id);
    expect(before.online).toBe(false);
    await mosquittoPub(cred(a), topics.screenStatus(b.id), statusJson('online', { appVersion: '6.6.6' }), {
      retain: true,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await rest.screen(b.id)).toEqual(before);
  });

  it('answers the broker hooks in external mode, in front of the API (no session needed)', async () => {
    const ask = async (body: unknown) => {
      const res = await fetch(`${server.httpUrl}/api/v1/broker/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { result: string };
    };
    expect((await ask({ username: a.id, password: a.token, clientid: a.id })).result).toBe('allow');
    expect((await ask({ username: a.id, password: 'nope', clientid: a.id })).result).toBe('deny');
  });

  it('refuses a wrong token', async () => {
    const r = await mosquittoSub({ ...cred(a), pass: `${a.token}x` }, ['v1/feeds/#'], 1, 2);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('not authorised');
  });

  it('shows a screen online from its status, and offline from its last will when its socket dies', async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: a.id,
      username: a.id,
      password: a.token,
      keepalive: 5,
      reconnectPeriod: 0,
      will: {
        topic: topics.screenStatus(a.id),
        payload: Buffer.from(statusJson('offline')),
        qos: 1,
        retain: true,
      },
    });
    await c.publishAsync(topics.screenStatus(a.id), statusJson('online', { appVersion: '2.0.0' }), {
      qos: 1,
      retain: true,
    });
    await waitFor(() => server.presence.get(a.id).online, 5000);
    const view = await rest.screen(a.id);
    expect(view.online).toBe(true);
    expect(view.appVersion).toBe('2.0.0');
    c.stream.destroy(); // no DISCONNECT: the broker publishes the will
    c.end(true);
    await waitFor(() => !server.presence.get(a.id).online, 8000);
    expect((await rest.screen(a.id)).online).toBe(false);
  });

  it('fills a restarted broker (retained store lost) again when the server reconnects', async () => {
    const exited = new Promise<void>((r) => mosquitto.once('exit', () => r()));
    mosquitto.kill('SIGTERM');
    await exited;
    await startMosquitto();
    // No persistence in this Mosquitto: whatever a screen now reads, the server published again.
    let got: Array<{ topic: string; payload: string }> = [];
    for (let i = 0; i < 40 && got.length < 2; i++) {
      const r = await mosquittoSub(cred(a), [topics.screenConfig(a.id), topics.campaign(campaignId)], 2, 1);
      got = messages(r.stdout);
    }
    expect(got.map((m) => m.topic).sort()).toEqual(
      [topics.campaign(campaignId), topics.screenConfig(a.id)].sort(),
    );
    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it('locks out a deleted screen once the server rewrote the files', async () => {
    const del = await rest.request('DELETE', `/api/v1/screens/${b.id}`);
    expect([200, 204]).toContain(del.status);
    let refused = false;
    for (let i = 0; i < 30 && !refused; i++) {
      const r = await mosquittoSub(cred(b), ['v1/feeds/#'], 1, 1);
      refused = r.code === 5;
      if (!refused) await new Promise((res) => setTimeout(res, 200));
    }
    expect(refused).toBe(true);
  });
});
