import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Role } from '../../../protocol/index.ts';
import { silentLogger } from '../../../control-server/log.ts';
import { type StanderServer, startServer } from '../../../control-server/server.ts';

/**
 * The API integration tests' world: the real composed server (store, embedded aedes, REST) on
 * ephemeral ports in a fresh temp dir, one user per role, and real MQTT clients (mqtt.js) that
 * connect as provisioned screens to watch what the server publishes.
 */
export const ADMIN_PASSWORD = 'admin-pass-123456';
export const PASSWORDS: Record<Role, string> = {
  admin: ADMIN_PASSWORD,
  operator: 'operator-pass-123456',
  technician: 'tech-pass-123456',
};

export interface Harness {
  server: StanderServer;
  url: string;
  dataDir: string;
  tokens: Record<Role, string>;
  /** fetch against the server with JSON in and out. */
  call(
    method: string,
    p: string,
    opts?: { as?: Role | null; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** Provisions a screen as admin; returns its id and device token. */
  screen(extra?: Record<string, unknown>): Promise<{ id: string; token: string }>;
  /** An MQTT client connected as that screen. */
  connectScreen(id: string, token: string): Promise<MqttClient>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stander-api-'));
  const server = await startServer({
    dataDir,
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    adminPassword: ADMIN_PASSWORD,
    log: silentLogger(),
    // One extra module route, as the dashboard's are mounted and documented.
    extendApi: (app, ctx) => {
      ctx.documentRoute({
        method: 'get',
        path: '/api/v1/extra-probe',
        summary: 'probe',
        responses: { '200': { description: 'ok' } },
      });
      app.get('/api/v1/extra-probe', ctx.authenticate(), (_req, res) => {
        res.json({ ok: true });
      });
    },
  });
  await server.store.createUser('operator', 'operator', PASSWORDS.operator);
  await server.store.createUser('tech', 'technician', PASSWORDS.technician);
  const url = server.httpUrl;
  const clients: MqttClient[] = [];

  const call: Harness['call'] = async (method, p, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token ?? (opts.as ? tokens[opts.as] : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${url}${p}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, headers: res.headers };
  };

  const login = async (username: string, password: string) => {
    const r = await fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
    return ((await r.json()) as { token: string }).token;
  };
  const tokens: Record<Role, string> = {
    admin: await login('admin', PASSWORDS.admin),
    operator: await login('operator', PASSWORDS.operator),
    technician: await login('tech', PASSWORDS.technician),
  };

  let n = 0;
  return {
    server,
    url,
    dataDir,
    tokens,
    call,
    async screen(extra = {}) {
      n++;
      const r = await call('POST', '/api/v1/screens', {
        as: 'admin',
        body: { name: `Screen ${n}`, profile: 'info-screen', location: { lat: 55.68, lon: 12.57 }, ...extra },
      });
      if (r.status !== 201) throw new Error(`screen create: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { id: string; token: string };
    },
    async connectScreen(id, token) {
      const c = await mqtt.connectAsync(server.mqttUrl, {
        username: id,
        password: token,
        clientId: `${id}:t${Math.random().toString(36).slice(2, 8)}`,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) await c.endAsync(true).catch(() => undefined);
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Subscribes and resolves with the first message on `topic` whose payload passes `accept`. */
export async function nextMessage(
  client: MqttClient,
  topic: string,
  accept: (payload: Buffer, retain: boolean) => boolean = () => true,
  timeoutMs = 5000,
): Promise<{ payload: Buffer; retain: boolean }> {
  const got = new Promise<{ payload: Buffer; retain: boolean }>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (t: string, payload: Buffer, packet: { retain: boolean }) => {
      if (t !== topic || !accept(payload, packet.retain)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve({ payload, retain: packet.retain });
    };
    client.on('message', onMessage);
  });
  const granted = await client.subscribeAsync(topic, { qos: 1 });
  if (granted[0]?.qos === 128) throw new Error(`subscription to ${topic} refused`);
  return got;
}

/** JSON of a payload. */
export const json = (b: Buffer): Record<string, unknown> =>
  JSON.parse(b.toString()) as Record<string, unknown>;

/** Waits until `fn` returns a truthy value (for effects written after the answer, such as audit). */
export async function eventually<T>(fn: () => T | undefined | null | false, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
