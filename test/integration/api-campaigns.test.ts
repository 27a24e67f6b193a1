import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignSchema, topics } from '../../protocol/index.ts';
import { eventually, type Harness, json, nextMessage, startHarness } from './support/api-harness.ts';

let h: Harness;
let watcher: Awaited<ReturnType<Harness['connectScreen']>>;
beforeAll(async () => {
  h = await startHarness();
  const s = await h.screen();
  watcher = await h.connectScreen(s.id, s.token);
});
afterAll(async () => {
  await h?.close();
});

const smallest = {
  name: 'Jazz festival',
  priority: 'normal',
  target: { all: true },
  slides: [{ kind: 'text', title: { en: 'Jazz tonight' }, durationS: 10 }],
};

describe('API: campaigns', () => {
  it('POST 201 {id}: stored and published retained at once (the smallest form of DESIGN.md)', async () => {
    const r = await h.call('POST', '/api/v1/campaigns', { as: 'operator', body: smallest });
    expect(r.status).toBe(201);
    const { id, version, published } = r.body as { id: string; version: number; published: boolean };
    expect({ version, published }).toEqual({ version: 1, published: true });
    const msg = await nextMessage(watcher, topics.campaign(id));
    expect(msg.retain).toBe(true);
    const c = CampaignSchema.parse(json(msg.payload));
    expect(c).toMatchObject({ id, version: 1, name: 'Jazz festival', target: { all: true } });
    // The audit entry is on disk before the answer leaves: no waiting needed.
    const audit = h.server.store.listAudit({ target: `campaign:${id}` })[0];
    expect(audit).toMatchObject({ actor: 'operator', action: 'campaign.create', outcome: 'ok', status: 201 });
  });

  it('GET list and one: targeting, schedule, who and delivery state', async () => {
    const full = {
      ...smallest,
      name: 'Harbour swim',
      priority: 'high',
      target: { groups: ['harbour'], tags: ['water'], area: { lat: 55.67, lon: 12.57, radiusM: 800 } },
      schedule: {
        start: '2026-06-01T00:00:00+02:00',
        end: '2026-09-01T00:00:00+02:00',
        weekdays: [6, 7],
        daily: [{ from: '09:00', to: '18:00' }],
      },
    };
    const created = await h.call('POST', '/api/v1/campaigns', { as: 'admin', body: full });
    const id = (created.body as { id: string }).id;
    const list = await h.call('GET', '/api/v1/campaigns', { as: 'technician' });
    expect(list.status).toBe(200);
    const campaigns = (list.body as { campaigns: Array<{ id: string }> }).campaigns;
    expect(campaigns.map((c) => c.id)).toContain(id);
    const one = await h.call('GET', `/api/v1/campaigns/${id}`, { as: 'operator' });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id,
      version: 1,
      priority: 'high',
      target: full.target,
      schedule: full.schedule,
      createdBy: 'admin',
      updatedBy: 'admin',
    });
    expect(one.body).toHaveProperty('delivery');
    expect((await h.call('GET', '/api/v1/campaigns/nope', { as: 'operator' })).status).toBe(404);
    expect((await h.call('GET', '/api/v1/campaigns')).status).toBe(401);
  });

  it('POST 400 names the field and the reason; 401; 403 for technicians', async () => {
    const bad = await h.call('POST', '/api/v1/campaigns', {
      as: 'operator',
      body: { ...smallest, slides: [{ kind: 'text', title: { en: 'x' }, durationS: 1 }], target: {} },
    });
    expect(bad.status).toBe(400);
    const issues = (bad.body as { issues: Array<{ path: string; message: string }> }).issues;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['slides.0.durationS', 'target']));
    expect(issues.find((i) => i.path === 'target')?.message).toMatch(/must aim at something/);
    const sched = await h.call('POST', '/api/v1/campaigns', {
      as: 'operator',
      body: { ...smallest, schedule: { start: '2026-06-02T00:00:00Z', end: '2026-06-01T00:00:00Z' } },
    });
    expect(sched.body).toMatchObject({
      issues: [{ path: 'schedule.end', message: 'end must be after start' }],
    });
    expect((await h.call('POST', '/api/v1/campaigns', { body: smallest })).status).toBe(401);
    const tech = await h.call('POST', '/api/v1/campaigns', { as: 'technician', body: smallest });
    expect(tech.status).toBe(403);
    const denied = await eventually(() =>
      h.server.store.listAudit({ actor: 'tech' }).find((e) => e.action === 'campaign.create'),
    );
    expect(denied).toMatchObject({ outcome: 'denied', status: 403 });
  });

  it('an image slide must name uploaded content with its real size and type', async () => {
    const sha = 'b'.repeat(64);
    const r = await h.call('POST', '/api/v1/campaigns', {
      as: 'operator',
      body: {
        ...smallest,
        slides: [
          {
            kind: 'image',
            asset: { sha256: sha, size: 10, mime: 'image/png', url: `/content/${sha}` },
            durationS: 8,
          },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      issues: [{ path: 'slides.0.asset.sha256', message: 'no uploaded content with this sha256' }],
    });
  });

  it('PUT 200 publishes version 2; 400, 401, 403, 404', async () => {
    const { id } = (await h.call('POST', '/api/v1/campaigns', { as: 'operator', body: smallest })).body as {
      id: string;
    };
    await nextMessage(watcher, topics.campaign(id), (p) => json(p).version === 1);
    const v2 = nextMessage(watcher, topics.campaign(id), (p) => p.length > 0 && json(p).version === 2);
    const r = await h.call('PUT', `/api/v1/campaigns/${id}`, {
      as: 'operator',
      body: { ...smallest, name: 'Jazz (moved)', priority: 'emergency' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id, version: 2, published: true });
    expect(json((await v2).payload)).toMatchObject({
      id,
      version: 2,
      name: 'Jazz (moved)',
      priority: 'emergency',
    });
    expect(
      (await h.call('PUT', `/api/v1/campaigns/${id}`, { as: 'operator', body: { name: '' } })).status,
    ).toBe(400);
    expect((await h.call('PUT', `/api/v1/campaigns/${id}`, { body: smallest })).status).toBe(401);
    expect(
      (await h.call('PUT', `/api/v1/campaigns/${id}`, { as: 'technician', body: smallest })).status,
    ).toBe(403);
    expect((await h.call('PUT', '/api/v1/campaigns/nope', { as: 'operator', body: smallest })).status).toBe(
      404,
    );
    const entries = await eventually(() => {
      const e = h.server.store.listAudit({ target: `campaign:${id}` });
      return e.length >= 5 ? e : null;
    });
    expect(entries.map((e) => e.outcome).sort()).toEqual(['denied', 'denied', 'invalid', 'ok', 'ok']);
  });

  it('DELETE 204 clears the retained campaign with an empty payload; 401, 403, 404', async () => {
    const { id } = (await h.call('POST', '/api/v1/campaigns', { as: 'operator', body: smallest })).body as {
      id: string;
    };
    await nextMessage(watcher, topics.campaign(id), (p) => p.length > 0);
    expect((await h.call('DELETE', `/api/v1/campaigns/${id}`)).status).toBe(401);
    expect((await h.call('DELETE', `/api/v1/campaigns/${id}`, { as: 'technician' })).status).toBe(403);
    const cleared = nextMessage(watcher, topics.campaign(id), (p) => p.length === 0);
    expect((await h.call('DELETE', `/api/v1/campaigns/${id}`, { as: 'operator' })).status).toBe(204);
    await cleared;
    expect((await h.call('GET', `/api/v1/campaigns/${id}`, { as: 'operator' })).status).toBe(404);
    expect((await h.call('DELETE', `/api/v1/campaigns/${id}`, { as: 'operator' })).status).toBe(404);
    // A late subscriber gets nothing retained for it any more.
    const s = await h.screen();
    const late = await h.connectScreen(s.id, s.token);
    await expect(nextMessage(late, topics.campaign(id), () => true, 500)).rejects.toThrow(
      /no matching message/,
    );
    const audit = await eventually(() =>
      h.server.store
        .listAudit({ target: `campaign:${id}` })
        .find((e) => e.action === 'campaign.delete' && e.outcome === 'ok'),
    );
    expect(audit).toMatchObject({ actor: 'operator', status: 204 });
  });
});
