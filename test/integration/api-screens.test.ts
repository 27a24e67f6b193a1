import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScreenConfigSchema, topics } from '../../protocol/index.ts';
import { eventually, type Harness, json, nextMessage, startHarness } from './support/api-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const body = {
  name: 'Rådhuspladsen',
  profile: 'street-kiosk',
  location: { lat: 55.6761, lon: 12.5683 },
  groups: ['centrum'],
  tags: ['tourist'],
};

describe('API: screens', () => {
  it('POST 201 {id, token}: token shown once, config published retained, readable by the screen', async () => {
    const r = await h.call('POST', '/api/v1/screens', { as: 'admin', body });
    expect(r.status).toBe(201);
    const { id, token } = r.body as { id: string; token: string };
    expect(id).toBe('raadhuspladsen');
    expect(r.headers.get('location')).toBe(`/api/v1/screens/${id}`);
    const one = await h.call('GET', `/api/v1/screens/${id}`, { as: 'technician' });
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).not.toContain(token);
    expect(one.body).toMatchObject({
      id,
      online: false,
      lastSeen: null,
      health: null,
      configVersion: 1,
      groups: ['centrum'],
    });
    const client = await h.connectScreen(id, token);
    const msg = await nextMessage(client, topics.screenConfig(id));
    expect(msg.retain).toBe(true);
    const config = ScreenConfigSchema.parse(json(msg.payload));
    expect(config).toMatchObject({
      screenId: id,
      name: 'Rådhuspladsen',
      profile: 'street-kiosk',
      version: 1,
      tags: ['tourist'],
    });
    const audit = await eventually(() => h.server.store.listAudit({ target: `screen:${id}` })[0]);
    expect(audit).toMatchObject({ actor: 'admin', action: 'screen.create', outcome: 'ok', status: 201 });
  });

  it('GET lists screens with online and lastSeen (the screen connected above is online)', async () => {
    const r = await h.call('GET', '/api/v1/screens', { as: 'operator' });
    expect(r.status).toBe(200);
    const screens = (r.body as { screens: Array<{ id: string; online: boolean; lastSeen: string | null }> })
      .screens;
    expect(screens.map((s) => s.id)).toContain('raadhuspladsen');
    const online = await (async () => {
      for (let i = 0; i < 100; i++) {
        const s = (await h.call('GET', '/api/v1/screens/raadhuspladsen', { as: 'operator' })).body as {
          online: boolean;
          lastSeen: string | null;
        };
        if (s.online) return s;
        await new Promise((res) => setTimeout(res, 30));
      }
      return null;
    })();
    expect(online?.lastSeen).toBeTruthy();
  });

  it('POST 400 with field paths; 401; 403 for operator and technician; 409 on a taken id', async () => {
    const bad = await h.call('POST', '/api/v1/screens', {
      as: 'admin',
      body: { ...body, profile: 'billboard', location: { lat: 99, lon: 0 } },
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body as { issues: Array<{ path: string }> }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['profile', 'location.lat']));
    const lang = await h.call('POST', '/api/v1/screens', {
      as: 'admin',
      body: { ...body, languages: ['en'], defaultLanguage: 'da' },
    });
    expect(lang.status).toBe(400);
    expect(lang.body).toMatchObject({ issues: [{ path: 'defaultLanguage' }] });
    const slash = await h.call('POST', '/api/v1/screens', { as: 'admin', body: { ...body, id: 'a/b' } });
    expect(slash.status).toBe(400);
    expect((await h.call('POST', '/api/v1/screens', { body })).status).toBe(401);
    expect((await h.call('POST', '/api/v1/screens', { as: 'operator', body })).status).toBe(403);
    const tech = await h.call('POST', '/api/v1/screens', { as: 'technician', body });
    expect(tech.status).toBe(403);
    expect(tech.body).toEqual({ error: 'this needs the role admin' });
    const taken = await h.call('POST', '/api/v1/screens', {
      as: 'admin',
      body: { ...body, id: 'raadhuspladsen' },
    });
    expect(taken.status).toBe(409);
    const denied = await eventually(() =>
      h.server.store.listAudit({ actor: 'operator' }).find((e) => e.action === 'screen.create'),
    );
    expect(denied).toMatchObject({ outcome: 'denied', status: 403 });
    const invalid = await eventually(() =>
      h.server.store.listAudit({ actor: 'admin' }).find((e) => e.status === 400),
    );
    expect(invalid).toMatchObject({ outcome: 'invalid', detail: expect.stringContaining('invalid body') });
  });

  it('GET 404 for an unknown screen, 401 without a session', async () => {
    expect((await h.call('GET', '/api/v1/screens/nope', { as: 'admin' })).status).toBe(404);
    expect((await h.call('GET', '/api/v1/screens/raadhuspladsen')).status).toBe(401);
    expect((await h.call('GET', '/api/v1/screens')).status).toBe(401);
  });

  it('PUT changes only the named fields, bumps the version and re-publishes the config', async () => {
    const s = await h.screen({ groups: ['harbour'], tags: ['a'] });
    const client = await h.connectScreen(s.id, s.token);
    await nextMessage(client, topics.screenConfig(s.id), (p) => json(p).version === 1);
    const v2 = nextMessage(client, topics.screenConfig(s.id), (p) => json(p).version === 2);
    const r = await h.call('PUT', `/api/v1/screens/${s.id}`, {
      as: 'admin',
      body: { displayHours: { on: '06:00', off: '22:00' } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      configVersion: 2,
      groups: ['harbour'],
      tags: ['a'],
      displayHours: { on: '06:00', off: '22:00' },
    });
    expect(json((await v2).payload)).toMatchObject({
      version: 2,
      groups: ['harbour'],
      displayHours: { on: '06:00', off: '22:00' },
    });
    expect(
      (await h.call('PUT', `/api/v1/screens/${s.id}`, { as: 'admin', body: { tags: 'x' } })).status,
    ).toBe(400);
    expect(
      (await h.call('PUT', `/api/v1/screens/${s.id}`, { as: 'admin', body: { id: 'other' } })).status,
    ).toBe(400);
    expect((await h.call('PUT', `/api/v1/screens/${s.id}`, { as: 'technician', body: {} })).status).toBe(403);
    expect((await h.call('PUT', `/api/v1/screens/${s.id}`, { body: {} })).status).toBe(401);
    expect((await h.call('PUT', '/api/v1/screens/nope', { as: 'admin', body: {} })).status).toBe(404);
    await eventually(() =>
      h.server.store
        .listAudit({ target: `screen:${s.id}` })
        .find((e) => e.action === 'screen.update' && e.outcome === 'ok'),
    );
  });

  it("PUT theme pins the screen's day/night theme in its config; 'auto' gives it back to the sensor", async () => {
    const s = await h.screen({});
    const client = await h.connectScreen(s.id, s.token);
    const v1 = json(
      (await nextMessage(client, topics.screenConfig(s.id), (p) => json(p).version === 1)).payload,
    );
    expect(v1.theme).toBeUndefined();
    const v2 = nextMessage(client, topics.screenConfig(s.id), (p) => json(p).version === 2);
    const r = await h.call('PUT', `/api/v1/screens/${s.id}`, { as: 'admin', body: { theme: 'night' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ theme: 'night', configVersion: 2 });
    expect(ScreenConfigSchema.parse(json((await v2).payload)).theme).toBe('night');
    const v3 = nextMessage(client, topics.screenConfig(s.id), (p) => json(p).version === 3);
    expect(
      (await h.call('PUT', `/api/v1/screens/${s.id}`, { as: 'admin', body: { theme: 'auto' } })).body,
    ).toMatchObject({
      theme: 'auto',
    });
    expect(json((await v3).payload).theme).toBeUndefined();
    const bad = await h.call('PUT', `/api/v1/screens/${s.id}`, { as: 'admin', body: { theme: 'dusk' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('theme');
    client.end(true);
  });

  it('POST /token rotates: the broker refuses the old token and accepts the new one', async () => {
    const s = await h.screen();
    const r = await h.call('POST', `/api/v1/screens/${s.id}/token`, { as: 'admin' });
    expect(r.status).toBe(200);
    const fresh = (r.body as { token: string }).token;
    expect(fresh).not.toBe(s.token);
    await expect(
      mqtt.connectAsync(h.server.mqttUrl, {
        username: s.id,
        password: s.token,
        clientId: s.id,
        reconnectPeriod: 0,
        connectTimeout: 3000,
      }),
    ).rejects.toThrow(/[Nn]ot authorized|Bad username or password/);
    const c = await h.connectScreen(s.id, fresh);
    expect(c.connected).toBe(true);
    expect((await h.call('POST', `/api/v1/screens/${s.id}/token`, { as: 'operator' })).status).toBe(403);
    expect((await h.call('POST', '/api/v1/screens/nope/token', { as: 'admin' })).status).toBe(404);
  });

  it('DELETE removes the screen and clears its retained config', async () => {
    const s = await h.screen();
    const watcher = await h.connectScreen((await h.screen()).id, '').catch(() => null);
    expect(watcher).toBeNull(); // an empty token is refused
    const client = await h.connectScreen(s.id, s.token);
    await nextMessage(client, topics.screenConfig(s.id));
    const cleared = nextMessage(client, topics.screenConfig(s.id), (p) => p.length === 0);
    const r = await h.call('DELETE', `/api/v1/screens/${s.id}`, { as: 'admin' });
    expect(r.status).toBe(204);
    await cleared;
    expect((await h.call('GET', `/api/v1/screens/${s.id}`, { as: 'admin' })).status).toBe(404);
    expect((await h.call('DELETE', `/api/v1/screens/${s.id}`, { as: 'admin' })).status).toBe(404);
    expect(await h.server.store.verifyScreenToken(s.id, s.token)).toBe(false);
  });

  it('groups: PUT creates then renames (with member counts), DELETE; 400, 401, 403, 404, audited', async () => {
    const created = await h.call('PUT', '/api/v1/groups/centrum', {
      as: 'operator',
      body: { name: 'City centre' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'centrum', name: 'City centre', screens: 1 });
    const renamed = await h.call('PUT', '/api/v1/groups/centrum', {
      as: 'admin',
      body: { name: 'Centre', description: 'inside the lakes' },
    });
    expect(renamed.status).toBe(200);
    const list = await h.call('GET', '/api/v1/groups', { as: 'technician' });
    expect(list.body).toEqual({
      groups: [expect.objectContaining({ id: 'centrum', name: 'Centre', description: 'inside the lakes' })],
    });
    expect((await h.call('PUT', '/api/v1/groups/a%2Bb', { as: 'admin', body: { name: 'x' } })).status).toBe(
      400,
    );
    expect((await h.call('PUT', '/api/v1/groups/x', { as: 'admin', body: { name: '' } })).status).toBe(400);
    expect((await h.call('PUT', '/api/v1/groups/x', { body: { name: 'x' } })).status).toBe(401);
    expect((await h.call('PUT', '/api/v1/groups/x', { as: 'technician', body: { name: 'x' } })).status).toBe(
      403,
    );
    expect((await h.call('DELETE', '/api/v1/groups/nope', { as: 'admin' })).status).toBe(404);
    expect((await h.call('DELETE', '/api/v1/groups/centrum', { as: 'operator' })).status).toBe(204);
    expect((await h.call('GET', '/api/v1/groups', { as: 'operator' })).body).toEqual({ groups: [] });
    const entries = await eventually(() => {
      const e = h.server.store.listAudit({ target: 'group:centrum' });
      return e.length >= 3 ? e : null;
    });
    expect(entries.map((e) => e.action)).toEqual(['group.delete', 'group.put', 'group.put']);
  });
});
