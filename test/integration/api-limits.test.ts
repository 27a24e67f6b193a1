import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScreenCreateSchema } from '../../protocol/index.ts';
import { type Api, createApi } from '../../control-server/api/app.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../control-server/broker/embedded.ts';
import { silentLogger } from '../../control-server/log.ts';
import { openStore, type Store } from '../../control-server/store/index.ts';

/** The API built directly with small limits, on a real store and a real embedded broker. */
let dir: string;
let store: Store;
let broker: EmbeddedBroker;
let api: Api;
let server: http.Server;
let url: string;
let ready = true;
let token: string;
let screen: { id: string; token: string };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'stander-limits-'));
  const log = silentLogger();
  store = await openStore(dir, log);
  broker = await startEmbeddedBroker({
    authenticateScreen: (id, t) => store.verifyScreenToken(id, t),
    log,
    host: '127.0.0.1',
    mqttPort: 0,
  });
  api = createApi({
    store,
    bus: broker.bus,
    log,
    ready: () => ready,
    limits: { contentBytes: 4096, jsonBodyBytes: 1024, loginAttempts: 2, contentAuthFailuresPerMinute: 3 },
  });
  await api.ready;
  server = http.createServer(api);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await store.createUser('op', 'operator', 'op-password-1');
  const r = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'op', password: 'op-password-1' }),
  });
  token = ((await r.json()) as { token: string }).token;
  const created = await store.createScreen(
    ScreenCreateSchema.parse({ name: 'S', profile: 'info-screen', location: { lat: 1, lon: 1 } }),
  );
  screen = { id: created.screen.id, token: created.token };
});

afterAll(async () => {
  api?.close();
  await new Promise((r) => server?.close(r));
  await broker?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** POST with a chunked body (no Content-Length), as a streaming client sends it. */
function chunkedUpload(chunks: Buffer[], type: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${url}/api/v1/content`);
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'POST',
      headers: { 'content-type': type, 'transfer-encoding': 'chunked', authorization: `Bearer ${token}` },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('API limits', () => {
  it('a streamed upload crossing the size limit answers 413 and leaves nothing behind', async () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ]);
    const r = await chunkedUpload([png, Buffer.alloc(3000), Buffer.alloc(3000)], 'image/png');
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ error: 'content larger than 4096 bytes' });
    expect((await readdir(path.join(dir, 'content'))).length).toBe(0);
    expect(store.listContent()).toEqual([]);
    const small = await chunkedUpload([png, Buffer.alloc(1000)], 'image/png');
    expect(small.status).toBe(201);
    const audit = store.listAudit({ actor: 'op' }).map((e) => e.status);
    expect(audit).toEqual(expect.arrayContaining([413]));
  });

  it('JSON bodies over the limit answer 413', async () => {
    const r = await fetch(`${url}/api/v1/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'x'.repeat(2000) }),
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ error: 'request body too large (limit 1024 bytes)' });
  });

  it('refused downloads are limited per address; a 404 for missing content does not count', async () => {
    const get = (auth: string, sha = 'a'.repeat(64)) =>
      fetch(`${url}/content/${sha}`, { headers: { authorization: `Bearer ${auth}` } });
    for (let i = 0; i < 5; i++) expect((await get(`${screen.id}:${screen.token}`)).status).toBe(404);
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await get(`${screen.id}:guess-${i}`)).status);
    expect(codes).toEqual([401, 401, 401, 429]);
  });

  it('/healthz answers 503 while the server is not ready', async () => {
    ready = false;
    const r = await fetch(`${url}/healthz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ ok: false });
    ready = true;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
