import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PASSWORDS, startHarness } from '../integration/support/api-harness.ts';

/**
 * Every REST route of the OpenAPI document against every role, anonymous and a screen's device
 * token. The table below is the access policy; a route the document lists that the table does
 * not is a failure, so a new route cannot ship unclassified.
 */
type Who = 'anonymous' | 'screen' | 'technician' | 'operator' | 'admin';
const ALL: Who[] = ['admin', 'operator', 'technician'];
const PUBLIC: Who[] = ['anonymous', 'screen', 'admin', 'operator', 'technician'];

const POLICY: Record<string, Who[]> = {
  'GET /healthz': PUBLIC,
  'POST /api/v1/session': PUBLIC,
  'GET /api/v1/openapi.json': PUBLIC,
  'GET /metrics': PUBLIC,
  'GET /api/v1/session': ALL,
  'DELETE /api/v1/session': ALL,
  'GET /api/v1/screens': ALL,
  'POST /api/v1/screens': ['admin'],
  'POST /api/v1/screens/batch': ['admin'],
  'GET /api/v1/screens/{id}': ALL,
  'PUT /api/v1/screens/{id}': ['admin'],
  'DELETE /api/v1/screens/{id}': ['admin'],
  'POST /api/v1/screens/{id}/token': ['admin'],
  'POST /api/v1/screens/{id}/commands': ['admin', 'technician'],
  'GET /api/v1/screens/{id}/commands': ['admin', 'technician'],
  'GET /api/v1/screens/{id}/commands/{cmdId}': ['admin', 'technician'],
  'GET /api/v1/campaigns': ALL,
  'POST /api/v1/campaigns': ['admin', 'operator'],
  'GET /api/v1/campaigns/{id}': ALL,
  'PUT /api/v1/campaigns/{id}': ['admin', 'operator'],
  'DELETE /api/v1/campaigns/{id}': ['admin', 'operator'],
  'GET /api/v1/content': ALL,
  'POST /api/v1/content': ['admin', 'operator'],
  // Screens download content with their device token; people with a session too.
  'GET /content/{sha256}': ['screen', ...ALL],
  'GET /api/v1/extra-probe': ALL,
  'GET /api/v1/stream': ALL,
  'GET /api/v1/alerts': ['admin', 'technician'],
  'POST /api/v1/alerts/{id}/ack': ['admin', 'technician'],
  'GET /api/v1/campaigns/{id}/delivery': ALL,
  'GET /api/v1/deliveries': ALL,
  'GET /api/v1/screens/{id}/health-history': ['admin', 'technician'],
  // Only the screen itself uploads its screenshot.
  'POST /api/v1/screens/{id}/screenshot': ['screen'],
  'GET /api/v1/screens/{id}/screenshot': ['admin', 'technician'],
  'GET /api/v1/plays': ['admin', 'operator'],
  'GET /api/v1/plays.csv': ['admin', 'operator'],
  'GET /api/v1/feeds/health': ALL,
  'GET /api/v1/audit': ['admin'],
  'GET /api/v1/users': ['admin'],
  'POST /api/v1/users': ['admin'],
  'PUT /api/v1/users/{username}': ['admin'],
  'DELETE /api/v1/users/{username}': ['admin'],
  // Routes found outside openapi.json once; now documented, and checked to stay so.
  'GET /api/v1/groups': ALL,
  'PUT /api/v1/groups/{id}': ['admin', 'operator'],
  'DELETE /api/v1/groups/{id}': ['admin', 'operator'],
  'GET /api/v1/content/{sha256}': ALL,
  'DELETE /api/v1/content/{sha256}': ['admin', 'operator'],
};
const ONCE_UNDOCUMENTED = [
  'GET /api/v1/groups',
  'PUT /api/v1/groups/{id}',
  'DELETE /api/v1/groups/{id}',
  'GET /api/v1/content/{sha256}',
];

let h: Harness;
let screen: { id: string; token: string };
let victim: { id: string; token: string };
const WHO: Who[] = ['anonymous', 'screen', 'technician', 'operator', 'admin'];

beforeAll(async () => {
  h = await startHarness();
  screen = await h.screen();
  victim = await h.screen();
});
afterAll(async () => {
  await h?.close();
});

async function request(method: string, route: string, who: Who): Promise<number> {
  // Routes that rotate a token or delete the screen act on a screen of their own.
  const destructive = /^\/api\/v1\/screens\/\{id\}(\/token)?$/.test(route) && method !== 'GET';
  const p = route
    .replace('{id}', destructive ? victim.id : route.startsWith('/api/v1/screens') ? screen.id : 'no-such-id')
    .replace('{cmdId}', 'no-such-cmd')
    .replace('{sha256}', 'a'.repeat(64))
    .replace('{username}', 'nobody');
  const headers: Record<string, string> = {};
  if (who === 'screen') headers.authorization = `Bearer ${screen.id}:${screen.token}`;
  else if (who !== 'anonymous') {
    // A session of its own for the logout route, so the shared tokens survive it.
    const token = method === 'DELETE' && route === '/api/v1/session' ? await freshToken(who) : h.tokens[who];
    headers.authorization = `Bearer ${token}`;
  }
  let body: string | undefined;
  if (method === 'POST' || method === 'PUT') {
    headers['content-type'] = route.endsWith('/screenshot') ? 'image/png' : 'application/json';
    // Logging in is open to anyone who has the password.
    body =
      route === '/api/v1/session' ? JSON.stringify({ username: 'admin', password: PASSWORDS.admin }) : '{}';
  }
  const ac = new AbortController();
  const res = await fetch(`${h.url}${p}`, { method, headers, body, signal: ac.signal });
  ac.abort(); // the event stream never ends on its own
  return res.status;
}

async function freshToken(who: Exclude<Who, 'anonymous' | 'screen'>): Promise<string> {
  const username = who === 'technician' ? 'tech' : who;
  const r = await fetch(`${h.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORDS[who] }),
  });
  return ((await r.json()) as { token: string }).token;
}

describe('REST access control', () => {
  it('every documented route answers each role as the policy says', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes.filter((r) => !(r in POLICY))).toEqual([]);
    expect(ONCE_UNDOCUMENTED.filter((r) => !routes.includes(r))).toEqual([]);
    const wrong: string[] = [];
    let checks = 0;
    for (const route of routes) {
      const [method, p] = route.split(' ') as [string, string];
      for (const who of WHO) {
        const status = await request(method, p, who);
        checks++;
        const allowed = POLICY[route]!.includes(who);
        const refused = status === 401 || status === 403;
        if (allowed === refused) wrong.push(`${route} as ${who}: ${status}`);
        // Without credentials it is 401, never 403 (nothing about the route leaks).
        if (!allowed && who === 'anonymous' && status !== 401) wrong.push(`${route} anonymous: ${status}`);
      }
    }
    console.info(
      `FIGURES rest-access: routes=${routes.length} roles=${WHO.length} checks=${checks} wrong=${wrong.length}`,
    );
    expect(wrong).toEqual([]);
  });

  it('a screen token of another screen, a garbage token and an expired session are refused', async () => {
    const other = await h.screen();
    const shot = await fetch(`${h.url}/api/v1/screens/${screen.id}/screenshot`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.id}:${other.token}`, 'content-type': 'image/png' },
      body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    });
    expect(shot.status).toBe(403);
    for (const token of [`${screen.id}:wrong`, 'garbage', `${screen.id}:${screen.token}x`, '']) {
      const r = await fetch(`${h.url}/api/v1/screens`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(401);
    }
    const t = await freshToken('admin');
    await fetch(`${h.url}/api/v1/session`, { method: 'DELETE', headers: { authorization: `Bearer ${t}` } });
    const after = await fetch(`${h.url}/api/v1/screens`, { headers: { authorization: `Bearer ${t}` } });
    expect(after.status).toBe(401);
  });
});
