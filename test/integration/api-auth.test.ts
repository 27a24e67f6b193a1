import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, eventually, type Harness, startHarness } from './support/api-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('API: session, health, documents, errors', () => {
  it('GET /healthz is 200 with the broker up', async () => {
    const r = await h.call('GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true });
  });

  it('POST /api/v1/session: 200 with an opaque token and the role; GET and DELETE session', async () => {
    const r = await h.call('POST', '/api/v1/session', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(r.status).toBe(200);
    const body = r.body as { token: string; role: string; username: string; expiresAt: string };
    expect(body).toMatchObject({ role: 'admin', username: 'admin' });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect((await h.call('GET', '/api/v1/session', { token: body.token })).body).toMatchObject({
      username: 'admin',
    });
    expect((await h.call('DELETE', '/api/v1/session', { token: body.token })).status).toBe(204);
    expect((await h.call('GET', '/api/v1/screens', { token: body.token })).status).toBe(401);
  });

  it('POST /api/v1/session: 401 for a wrong password and an unknown user, 400 for a bad body', async () => {
    const wrong = await h.call('POST', '/api/v1/session', { body: { username: 'admin', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'wrong username or password' });
    const ghost = await h.call('POST', '/api/v1/session', { body: { username: 'ghost', password: 'nope' } });
    expect(ghost.status).toBe(401);
    const bad = await h.call('POST', '/api/v1/session', { body: { username: 'admin' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ issues: [{ path: 'password' }] });
    const audit = await eventually(() =>
      h.server.store
        .listAudit({ limit: 20 })
        .find((e) => e.action === 'session.create' && e.actor === 'anonymous:ghost'),
    );
    expect(audit).toMatchObject({ outcome: 'denied', status: 401, target: null });
  });

  it('rate-limits failed logins per IP and username with 429, without locking out the others', async () => {
    const attempt = (username: string, password = 'wrong') =>
      h.call('POST', '/api/v1/session', { body: { username, password } });
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await attempt('operator')).status);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes[10]).toBe(429);
    // Even the right password is refused while the limit holds.
    const blocked = await attempt('operator', 'operator-pass-123456');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ error: expect.stringMatching(/too many failed logins/) });
    // Another account from the same address still works.
    expect((await attempt('admin', ADMIN_PASSWORD)).status).toBe(200);
  });

  it('401 without a token, with a garbage token, and with a screen token outside content', async () => {
    expect((await h.call('GET', '/api/v1/screens')).status).toBe(401);
    const garbage = await h.call('GET', '/api/v1/screens', { token: 'x'.repeat(43) });
    expect(garbage.status).toBe(401);
    expect(garbage.body).toEqual({ error: 'invalid or expired session' });
    const s = await h.screen();
    const asScreen = await h.call('GET', '/api/v1/screens', { token: `${s.id}:${s.token}` });
    expect(asScreen.status).toBe(401);
  });

  it('unknown routes answer JSON 404; bad JSON 400; oversized JSON 413', async () => {
    const missing = await h.call('GET', '/api/v1/nothing-here', { as: 'admin' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: expect.stringContaining('no route') });
    const bad = await h.call('POST', '/api/v1/campaigns', { as: 'operator', body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'request body is not valid JSON' });
    const big = await h.call('POST', '/api/v1/campaigns', {
      as: 'operator',
      body: { name: 'x'.repeat(300 * 1024) },
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: expect.stringMatching(/too large/) });
    const entry = await eventually(() =>
      h.server.store.listAudit({ limit: 20 }).find((e) => e.status === 413),
    );
    expect(entry).toMatchObject({ outcome: 'invalid', action: 'POST /api/v1/campaigns' });
  });

  it('a disabled account is out at once; a role change applies to live sessions', async () => {
    await h.server.store.createUser('temp', 'operator', 'temp-pass-123456');
    const r = await h.call('POST', '/api/v1/session', {
      body: { username: 'temp', password: 'temp-pass-123456' },
    });
    const token = (r.body as { token: string }).token;
    expect((await h.call('GET', '/api/v1/session', { token })).body).toMatchObject({ role: 'operator' });
    await h.server.store.updateUser('temp', { role: 'technician' });
    expect((await h.call('GET', '/api/v1/session', { token })).body).toMatchObject({ role: 'technician' });
    expect((await h.call('POST', '/api/v1/campaigns', { token, body: {} })).status).toBe(403);
    await h.server.store.updateUser('temp', { disabled: true });
    expect((await h.call('GET', '/api/v1/screens', { token })).status).toBe(401);
    await h.server.store.updateUser('temp', { disabled: false });
    expect((await h.call('GET', '/api/v1/screens', { token })).status).toBe(401); // the session is gone
  });

  it('GET /api/v1/openapi.json documents every REST route of DESIGN.md', async () => {
    const r = await h.call('GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const expected: Array<[string, string]> = [
      ['/healthz', 'get'],
      ['/api/v1/session', 'post'],
      ['/api/v1/screens', 'post'],
      ['/api/v1/screens', 'get'],
      ['/api/v1/screens/{id}', 'get'],
      ['/api/v1/screens/{id}', 'put'],
      ['/api/v1/campaigns', 'get'],
      ['/api/v1/campaigns', 'post'],
      ['/api/v1/campaigns/{id}', 'get'],
      ['/api/v1/campaigns/{id}', 'put'],
      ['/api/v1/campaigns/{id}', 'delete'],
      ['/api/v1/screens/{id}/commands', 'post'],
      ['/api/v1/screens/{id}/commands/{cmdId}', 'get'],
      ['/api/v1/openapi.json', 'get'],
      ['/metrics', 'get'],
      ['/api/v1/content', 'post'],
      ['/content/{sha256}', 'get'],
      ['/api/v1/content/{sha256}', 'delete'],
      ['/api/v1/screens/{id}/token', 'post'],
      ['/api/v1/screens/{id}', 'delete'],
      ['/api/v1/groups', 'get'],
      ['/api/v1/groups/{id}', 'put'],
      ['/api/v1/groups/{id}', 'delete'],
    ];
    for (const [p, m] of expected) expect(doc.paths[p]?.[m], `${m} ${p}`).toBeDefined();
    // Routes of other modules, documented through ctx.documentRoute, are in it too, with bearer auth.
    expect(doc.paths['/api/v1/extra-probe']?.get).toMatchObject({
      summary: 'probe',
      security: [{ bearer: [] }],
    });
    expect((await h.call('GET', '/api/v1/extra-probe')).status).toBe(401);
    // The request schema is the real one: the campaign body names its slide kinds.
    expect(JSON.stringify(doc)).toContain('"emergency"');
  });

  it('GET /metrics serves Prometheus text with our counters', async () => {
    const res = await fetch(`${h.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP stander_/m);
    expect(text).toContain('stander_audit_entries_total');
  });
});
