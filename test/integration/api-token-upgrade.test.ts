import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../control-server/log.ts';
import { type StanderServer, startServer } from '../../control-server/server.ts';
import { hashSecret, TOKEN_COST } from '../../control-server/store/passwords.ts';

/**
 * A screen provisioned when device tokens were hashed with scrypt, on the real server after a
 * restart: it logs in to the broker with its token, the stored hash becomes SHA-256 on disk, and the
 * screen stays connected (the broker's revocation check does not mistake the upgrade for a rotated
 * token); a real rotation afterwards still disconnects it.
 */
const PASSWORD = 'token-upgrade-admin-pw';
let dir: string;
let server: StanderServer | null = null;
const clients: MqttClient[] = [];

afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const start = () =>
  startServer({
    dataDir: dir,
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    adminPassword: PASSWORD,
    log: silentLogger(),
  });

async function login(s: StanderServer): Promise<string> {
  const r = await fetch(`${s.httpUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  return ((await r.json()) as { token: string }).token;
}

type Db = { screens: Array<{ id: string; tokenHash: string }> };

describe('scrypt device-token hashes', () => {
  it('are upgraded to SHA-256 at the first login, without disconnecting the screen', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'stander-upgrade-'));
    server = await start();
    const admin = await login(server);
    const r = await fetch(`${server.httpUrl}/api/v1/screens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Old kiosk',
        profile: 'street-kiosk',
        location: { lat: 55.68, lon: 12.58 },
      }),
    });
    const { id, token } = (await r.json()) as { id: string; token: string };
    await server.close();
    server = null;

    // As an older server wrote it: the token hashed with scrypt.
    const file = path.join(dir, 'db.json');
    const db = JSON.parse(await readFile(file, 'utf8')) as Db;
    const legacy = await hashSecret(token, TOKEN_COST);
    for (const s of db.screens) if (s.id === id) s.tokenHash = legacy;
    await writeFile(file, JSON.stringify(db));

    server = await start();
    expect(server.store.getScreen(id)?.tokenHash).toBe(legacy);
    const client = await mqtt.connectAsync(server.mqttUrl, {
      username: id,
      password: token,
      clientId: `${id}:upgrade`,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    clients.push(client);
    let closed = false;
    client.on('close', () => {
      closed = true;
    });
    const onDisk = async () =>
      (JSON.parse(await readFile(file, 'utf8')) as Db).screens.find((s) => s.id === id);
    await expect.poll(async () => (await onDisk())?.tokenHash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(server.store.upgradedTokens).toBe(1);
    // Several revocation checks (every 500 ms, after each store write) and more writes later: still connected.
    await fetch(`${server.httpUrl}/api/v1/campaigns`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await login(server)}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'After',
        target: { all: true },
        slides: [{ kind: 'text', title: { en: 'x' }, durationS: 5 }],
      }),
    });
    await new Promise((res) => setTimeout(res, 2000));
    expect(closed).toBe(false);
    expect(client.connected).toBe(true);

    // A real rotation still ends the session.
    const rot = await fetch(`${server.httpUrl}/api/v1/screens/${id}/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await login(server)}` },
    });
    expect(rot.status).toBe(200);
    await expect.poll(() => closed).toBe(true);
  });
});
