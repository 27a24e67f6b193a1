import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerHooksRouter } from '../../control-server/broker/http-hooks.ts';
import { silentLogger } from '../../control-server/log.ts';
import { statusJson } from './broker-helpers.ts';

// The HTTP auth/ACL endpoints external brokers call (EMQX 5 HTTP authn/authz, VerneMQ webhooks).
let server: Server;
let base = '';
const SECRET = 'hook-secret-1';

beforeAll(async () => {
  const app = express();
  app.use(
    '/api/v1/broker',
    createBrokerHooksRouter({
      authenticateScreen: async (id, token) => id === 'scr-1' && token === 'token-one',
      serverUsername: 'stander-server',
      serverPassword: 'server-pw',
      hookSecret: SECRET,
      log: silentLogger(),
    }),
  );
  await new Promise<void>((r) => {
    server = app.listen(0, '127.0.0.1', () => r());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/broker`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-stander-hook-secret': SECRET, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('EMQX-style hooks', () => {
  it('authenticates screens, the server and the public identity', async () => {
    const ok = await post('/auth', { username: 'scr-1', password: 'token-one', clientid: 'scr-1' });
    expect(ok.body).toEqual({ result: 'allow', is_superuser: false });
    for (const body of [
      { username: 'scr-1', password: 'wrong', clientid: 'scr-1' },
      { username: 'scr-1', password: 'token-one', clientid: 'scr-2' },
      { username: 'stander-server', password: 'nope', clientid: 'stander-server' },
      { username: 'public', password: 'x', clientid: 'public' },
      { username: 'public', clientid: 'public:p', transport: 'tcp' },
    ]) {
      expect((await post('/auth', body)).body.result, JSON.stringify(body)).toBe('deny');
    }
    expect((await post('/auth', { username: 'stander-server', password: 'server-pw' })).body.result).toBe(
      'allow',
    );
    expect(
      (await post('/auth', { username: 'public', clientid: 'public:p', transport: 'ws' })).body.result,
    ).toBe('allow');
  });

  it('answers ACL questions as DESIGN.md says', async () => {
    const acl = async (username: string, action: string, topic: string) =>
      (await post('/acl', { username, clientid: username, action, topic })).body.result;
    expect(await acl('scr-1', 'subscribe', 'v1/feeds/#')).toBe('allow');
    expect(await acl('scr-1', 'subscribe', 'v1/screens/scr-1/cmd')).toBe('allow');
    expect(await acl('scr-1', 'subscribe', 'v1/screens/scr-2/cmd')).toBe('deny');
    expect(await acl('scr-1', 'subscribe', '#')).toBe('deny');
    expect(await acl('scr-1', 'publish', 'v1/screens/scr-1/status')).toBe('allow');
    expect(await acl('scr-1', 'publish', 'v1/screens/scr-2/status')).toBe('deny');
    expect(await acl('public', 'subscribe', 'v1/feeds/#')).toBe('allow');
    expect(await acl('public', 'subscribe', 'v1/campaigns/#')).toBe('deny');
    expect(await acl('stander-server', 'publish', 'v1/campaigns/c1')).toBe('allow');
  });

  it('refuses callers without the hook secret, and bad bodies', async () => {
    const res = await post(
      '/auth',
      { username: 'scr-1', password: 'token-one' },
      { 'x-stander-hook-secret': 'no' },
    );
    expect(res.status).toBe(401);
    expect((await post('/acl', { username: 'scr-1', action: 'dance', topic: 'x' })).status).toBe(400);
  });
});

describe('VerneMQ webhooks', () => {
  const vmq = (hook: string) => ({ 'vernemq-hook': hook });
  it('auth_on_register', async () => {
    const ok = await post(
      '/auth',
      { username: 'scr-1', password: 'token-one', client_id: 'scr-1:a', mountpoint: '' },
      vmq('auth_on_register'),
    );
    expect(ok.body).toEqual({ result: 'ok' });
    const no = await post(
      '/auth',
      { username: 'scr-1', password: 'bad', client_id: 'scr-1' },
      vmq('auth_on_register'),
    );
    expect(no.body).toEqual({ result: { error: 'not_allowed' } });
  });

  it('auth_on_subscribe refuses filter by filter with QoS 128', async () => {
    const r = await post(
      '/acl',
      {
        username: 'scr-1',
        client_id: 'scr-1',
        mountpoint: '',
        topics: [
          { topic: 'v1/campaigns/#', qos: 1 },
          { topic: '+/+/+', qos: 1 },
        ],
      },
      vmq('auth_on_subscribe'),
    );
    expect(r.body).toEqual({
      result: 'ok',
      topics: [
        { topic: 'v1/campaigns/#', qos: 1 },
        { topic: '+/+/+', qos: 128 },
      ],
    });
  });

  it('auth_on_publish checks topic and payload', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const pub = (topic: string, payload: string) =>
      post(
        '/acl',
        {
          username: 'scr-1',
          client_id: 'scr-1',
          mountpoint: '',
          qos: 1,
          retain: true,
          topic,
          payload: b64(payload),
        },
        vmq('auth_on_publish'),
      );
    expect((await pub('v1/screens/scr-1/status', statusJson('online'))).body).toEqual({ result: 'ok' });
    expect((await pub('v1/screens/scr-1/status', '{"state":"x"}')).body).toEqual({
      result: { error: 'not_allowed' },
    });
    expect((await pub('v1/screens/scr-2/status', statusJson('online'))).body).toEqual({
      result: { error: 'not_allowed' },
    });
    // A large (valid) plays batch, as base64, well over the REST API's JSON body limit.
    const plays = {
      batchId: 'b1',
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date().toISOString(),
      plays: Array.from({ length: 4000 }, (_, i) => ({
        campaignId: `campaign-${i}`,
        campaignVersion: 1,
        slideIndex: 0,
        count: 1,
        seconds: 10,
      })),
      views: [],
      touches: 0,
    };
    expect(JSON.stringify(plays).length).toBeGreaterThan(300_000);
    expect((await pub('v1/screens/scr-1/plays', JSON.stringify(plays))).body).toEqual({ result: 'ok' });
  });

  it('answers bad JSON with a JSON 400', async () => {
    const res = await fetch(`${base}/acl`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-stander-hook-secret': SECRET },
      body: '{"username":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid');
  });
});
