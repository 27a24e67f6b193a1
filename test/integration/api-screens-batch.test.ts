import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ScreenBatchCreatedSchema,
  SCREEN_BATCH_MAX,
  ScreenConfigSchema,
  topics,
} from '../../protocol/index.ts';
import { type Harness, nextMessage, startHarness } from './support/api-harness.ts';

/**
 * POST /api/v1/screens/batch on the real server: many screens in one request and one store write,
 * all or nothing with per-item errors, tokens that work on the broker, retained configs published,
 * one audit entry, admin only.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const item = (i: number, extra: Record<string, unknown> = {}) => ({
  name: `Batch ${i}`,
  profile: 'info-screen',
  location: { lat: 55.6 + i / 10_000, lon: 12.5 },
  groups: ['harbour'],
  ...extra,
});
const batch = (screens: unknown[], as: 'admin' | 'operator' | 'technician' = 'admin') =>
  h.call('POST', '/api/v1/screens/batch', { as, body: { screens } });

describe('POST /api/v1/screens/batch', () => {
  it('provisions 500 screens in one store write; the tokens work and each config is retained', async () => {
    const writes = h.server.store.writes;
    const before = h.server.store.listScreens().length;
    const r = await batch(
      Array.from({ length: 500 }, (_, i) => item(i, i === 7 ? { id: 'batch-explicit' } : {})),
    );
    expect(r.status).toBe(201);
    const { screens } = ScreenBatchCreatedSchema.parse(r.body);
    expect(screens).toHaveLength(500);
    expect(screens[7]!.id).toBe('batch-explicit');
    expect(new Set(screens.map((s) => s.token)).size).toBe(500);
    expect(h.server.store.listScreens().length).toBe(before + 500);
    // The screens and the audit entry (group commit may join them): never one write per screen.
    expect(h.server.store.writes - writes).toBeLessThanOrEqual(2);
    const audit = h.server.store.listAudit({ limit: 5 }).filter((e) => e.action === 'screen.create.batch');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'admin', outcome: 'ok', status: 201 });
    expect(audit[0]!.target).toMatch(/^screens:500:/);
    // A token from the middle of the batch logs in to the broker and gets its retained config.
    const pick = screens[321]!;
    const client = await h.connectScreen(pick.id, pick.token);
    const msg = await nextMessage(client, topics.screenConfig(pick.id), (_p, retain) => retain, 10_000);
    const config = ScreenConfigSchema.parse(JSON.parse(msg.payload.toString()));
    expect(config).toMatchObject({ screenId: pick.id, name: 'Batch 321', groups: ['harbour'], version: 1 });
    // The token is shown once: the REST view of the screen never has it.
    const view = await h.call('GET', `/api/v1/screens/${pick.id}`, { as: 'admin' });
    expect(JSON.stringify(view.body)).not.toContain(pick.token);
  });

  it('an invalid item refuses the whole batch with 400 naming it; nothing is created', async () => {
    const before = h.server.store.listScreens().length;
    const r = await batch([
      item(1),
      item(2, { location: { lat: 200, lon: 12 } }),
      item(3),
      item(4, { languages: ['en'], defaultLanguage: 'en', profile: 'toaster' }),
    ]);
    expect(r.status).toBe(400);
    const body = r.body as { error: string; issues: Array<{ path: string; message: string }> };
    expect(body.error).toMatch(/^invalid body: screens\.1\.location\.lat: /);
    expect(body.issues.map((i) => i.path)).toEqual(['screens.1.location.lat', 'screens.3.profile']);
    expect(h.server.store.listScreens().length).toBe(before);

    const lang = await batch([item(1), item(2, { languages: ['en'], defaultLanguage: 'da' })]);
    expect(lang.status).toBe(400);
    expect((lang.body as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual([
      'screens.1.defaultLanguage',
    ]);
    expect(h.server.store.listScreens().length).toBe(before);
  });

  it('a taken or repeated id refuses the batch with 409 naming each item', async () => {
    const before = h.server.store.listScreens().length;
    const r = await batch([
      item(1, { id: 'fresh-one' }),
      item(2, { id: 'batch-explicit' }),
      item(3, { id: 'fresh-one' }),
    ]);
    expect(r.status).toBe(409);
    expect((r.body as { issues: unknown }).issues).toEqual([
      { path: 'screens.1.id', message: 'screen "batch-explicit" already exists' },
      { path: 'screens.2.id', message: 'screen "fresh-one" already exists' },
    ]);
    expect(h.server.store.getScreen('fresh-one')).toBeNull();
    expect(h.server.store.listScreens().length).toBe(before);
  });

  it(`refuses an empty batch, more than ${SCREEN_BATCH_MAX} screens, and other shapes`, async () => {
    expect((await batch([])).status).toBe(400);
    const tooMany = await batch(Array.from({ length: SCREEN_BATCH_MAX + 1 }, (_, i) => item(i)));
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('screens');
    const extra = await h.call('POST', '/api/v1/screens/batch', {
      as: 'admin',
      body: { screens: [item(1)], x: 1 },
    });
    expect(extra.status).toBe(400);
    expect((await h.call('POST', '/api/v1/screens/batch', { as: 'admin', body: '[1,2' })).status).toBe(400);
  });

  it('a full batch of the largest items fits the body limit; only admins may send it', async () => {
    const big = Array.from({ length: SCREEN_BATCH_MAX }, (_, i) =>
      item(i, {
        name: `Batch screen with a long name ${'x'.repeat(120)} ${i}`,
        tags: Array.from({ length: 10 }, (_, t) => `tag-${t}-${'y'.repeat(20)}`),
        feeds: { transport: ['stop-1', 'stop-2'], parking: ['p-1'], water: ['w-1'], events: ['copenhagen'] },
      }),
    );
    expect(JSON.stringify({ screens: big }).length).toBeGreaterThan(256 * 1024); // over the normal JSON limit
    for (const who of ['operator', 'technician'] as const) expect((await batch(big, who)).status).toBe(403);
    const anon = await h.call('POST', '/api/v1/screens/batch', { body: { screens: big } });
    expect(anon.status).toBe(401);
    const r = await batch(big);
    expect(r.status).toBe(201);
    expect(ScreenBatchCreatedSchema.parse(r.body).screens).toHaveLength(SCREEN_BATCH_MAX);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths['/api/v1/screens/batch']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '413']),
    );
  });
});
