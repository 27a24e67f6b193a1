import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthzSchema } from '../../protocol/index.ts';
import { MOBILE_HITS_PER_MINUTE } from '../../control-server/api/static.ts';
import { silentLogger } from '../../control-server/log.ts';
import { type StanderServer, startServer } from '../../control-server/server.ts';

/**
 * What the control server shows to anyone without a login, on the real composed server over real
 * HTTP: /healthz says up and counts but never a feed source's error text; the anonymous view counter
 * of the mobile companion is rate-limited per client address (429 with Retry-After, counted in
 * /metrics); the web apps carry a strict Content-Security-Policy and the usual security headers.
 */
const PASSWORD = 'public-surface-admin-pw';
const SECRET_ERROR = 'fetch http://feeds-user:s3cret@10.1.2.3:8443/internal/gtfs-rt.pb: ECONNREFUSED';
const SOURCES = [
  {
    id: 'metro-rt',
    kind: 'transport',
    format: 'gtfs-rt',
    demo: false,
    lastSuccessAt: null,
    lastErrorAt: '2026-11-26T10:00:00.000Z',
    lastError: SECRET_ERROR,
    consecutiveFailures: 3,
    itemCount: 0,
    nextPollAt: null,
  },
  {
    id: 'harbour-water',
    kind: 'water',
    format: 'json',
    demo: false,
    lastSuccessAt: '2026-11-26T10:00:00.000Z',
    lastErrorAt: null,
    lastError: null,
    consecutiveFailures: 0,
    itemCount: 2,
    nextPollAt: null,
  },
  { id: 'events-new', kind: 'events', consecutiveFailures: 0, lastSuccessAt: null, lastError: null },
];

let dir: string;
let server: StanderServer;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'stander-public-'));
  server = await startServer({
    dataDir: dir,
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    adminPassword: PASSWORD,
    log: silentLogger(),
    // A poller whose first source fails with an error text naming a host, a path and a credential.
    feeds: async () => ({ status: () => ({ sources: SOURCES }), close: async () => undefined }),
  });
  const r = await fetch(`${server.httpUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  token = ((await r.json()) as { token: string }).token;
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A POST from a chosen loopback source address (127.0.0.x), as another client would send it. */
function postFrom(
  localAddress: string,
  p: string,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  const url = new URL(p, server.httpUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('public surface', () => {
  it('/healthz: up and feed counts for a load balancer, no source id, host, path or error text', async () => {
    const r = await fetch(`${server.httpUrl}/healthz`);
    expect(r.status).toBe(200);
    const text = await r.text();
    const body = HealthzSchema.strict().parse(JSON.parse(text));
    expect(body).toEqual({ ok: true, feeds: { sources: 3, ok: 1, failing: 1, waiting: 1 } });
    for (const leak of ['10.1.2.3', 'internal', 's3cret', 'ECONNREFUSED', 'metro-rt', 'lastError'])
      expect(text).not.toContain(leak);
  });

  it('the error detail is for staff only: GET /api/v1/feeds/health (what the Feeds page reads)', async () => {
    const anon = await fetch(`${server.httpUrl}/api/v1/feeds/health`);
    expect(anon.status).toBe(401);
    expect(await anon.text()).not.toContain('10.1.2.3');
    const r = await fetch(`${server.httpUrl}/api/v1/feeds/health`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { poller: { sources: Array<{ id: string; lastError: string | null }> } };
    expect(body.poller.sources.find((s) => s.id === 'metro-rt')?.lastError).toBe(SECRET_ERROR);
  });

  it('/m/hit is rate-limited per client address: 429 with Retry-After, counted; other addresses go on', async () => {
    const before = await metric('stander_http_rate_limited_total', 'endpoint="mobile-hit"');
    const views = await metric('stander_mobile_views_total', 'view="water"');
    const writes = server.store.writes;
    const codes = new Map<number, number>();
    for (let i = 0; i < MOBILE_HITS_PER_MINUTE; i++) {
      const r = await postFrom('127.0.0.3', '/m/hit/water');
      codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ 204: MOBILE_HITS_PER_MINUTE });
    const over = await postFrom('127.0.0.3', '/m/hit/water');
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await postFrom('127.0.0.3', '/m/hit/home')).status).toBe(429);
    expect(await metric('stander_http_rate_limited_total', 'endpoint="mobile-hit"')).toBe(before + 2);
    // Refused hits are not counted as views.
    expect(await metric('stander_mobile_views_total', 'view="water"')).toBe(views + MOBILE_HITS_PER_MINUTE);
    // Another address is not affected.
    expect((await postFrom('127.0.0.4', '/m/hit/water')).status).toBe(204);
    // Anonymous counting writes nothing to the database (no audit entry per hit).
    expect(server.store.writes).toBe(writes);
    expect(server.store.listAudit({ limit: 2000 }).filter((e) => e.action.includes('/m/hit'))).toEqual([]);
  });

  it.each([
    ['/', 'dashboard'],
    ['/campaigns', 'dashboard'],
    ['/m/', 'mobile'],
    ['/kiosk-preview/', 'kiosk-preview'],
  ])('GET %s carries a strict CSP and the security headers (%s)', async (p, app) => {
    const r = await fetch(`${server.httpUrl}${p}`, { headers: { accept: 'text/html' } });
    await r.arrayBuffer();
    const csp = r.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name ?? '', values.join(' ')] as const;
      }),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'"); // no inline script, no eval
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data: blob:");
    expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toMatch(/^(no-referrer|same-origin)$/);
    if (app === 'kiosk-preview') {
      // The dashboard's slide preview frames it: same origin only.
      expect(directives.get('frame-ancestors')).toBe("'self'");
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    } else {
      expect(directives.get('frame-ancestors')).toBe("'none'");
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    }
    if (app === 'dashboard') {
      expect(directives.get('style-src')).toBe("'self'");
      expect(directives.get('frame-src')).toBe("'self'");
    }
  });
});
