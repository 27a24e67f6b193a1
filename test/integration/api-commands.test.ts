import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandSchema, topics } from '../../protocol/index.ts';
import { eventually, type Harness, json, nextMessage, startHarness } from './support/api-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function poll(path: string, until: (b: Record<string, unknown>) => boolean) {
  for (let i = 0; i < 100; i++) {
    const r = await h.call('GET', path, { as: 'technician' });
    if (r.status === 200 && until(r.body as Record<string, unknown>))
      return r.body as Record<string, unknown>;
    await new Promise((res) => setTimeout(res, 30));
  }
  throw new Error(`${path} never reached the expected state`);
}

describe('API: commands', () => {
  it('POST 202 {id}: the screen receives it on cmd (QoS 1, not retained), its result is readable later', async () => {
    const s = await h.screen();
    const client = await h.connectScreen(s.id, s.token);
    const incoming = nextMessage(client, topics.screenCmd(s.id));
    const r = await h.call('POST', `/api/v1/screens/${s.id}/commands`, {
      as: 'technician',
      body: { type: 'brightness', level: 40 },
    });
    expect(r.status).toBe(202);
    const { id } = r.body as { id: string };
    expect(r.headers.get('location')).toBe(`/api/v1/screens/${s.id}/commands/${id}`);
    const msg = await incoming;
    expect(msg.retain).toBe(false);
    const cmd = CommandSchema.parse(json(msg.payload));
    expect(cmd).toMatchObject({ id, type: 'brightness', level: 40 });

    const pending = await h.call('GET', `/api/v1/screens/${s.id}/commands/${id}`, { as: 'technician' });
    expect(pending.body).toMatchObject({
      id,
      screenId: s.id,
      type: 'brightness',
      params: { level: 40 },
      state: 'pending',
      result: null,
      issuedBy: 'tech',
    });

    await client.publishAsync(
      topics.screenCmdResult(s.id),
      JSON.stringify({ id, type: 'brightness', ok: true, at: new Date().toISOString(), data: { level: 40 } }),
      { qos: 1 },
    );
    const done = await poll(`/api/v1/screens/${s.id}/commands/${id}`, (b) => b.state !== 'pending');
    expect(done).toMatchObject({ state: 'ok', result: { id, ok: true, data: { level: 40 } } });
    expect(typeof done.resultAt).toBe('string');

    const list = await h.call('GET', `/api/v1/screens/${s.id}/commands`, { as: 'admin' });
    expect((list.body as { commands: Array<{ id: string }> }).commands.map((c) => c.id)).toEqual([id]);
    const audit = await eventually(() =>
      h.server.store.listAudit({ target: `screen:${s.id}` }).find((e) => e.action === 'command.brightness'),
    );
    expect(audit).toMatchObject({ actor: 'tech', outcome: 'ok', status: 202 });
  });

  it('a failed result shows as failed; invalid results and results for unknown ids are dropped', async () => {
    const s = await h.screen();
    const client = await h.connectScreen(s.id, s.token);
    const { id } = (
      await h.call('POST', `/api/v1/screens/${s.id}/commands`, { as: 'admin', body: { type: 'reboot' } })
    ).body as { id: string };
    await client.publishAsync(topics.screenCmdResult(s.id), '{"id": "broken"', { qos: 1 });
    await client.publishAsync(
      topics.screenCmdResult(s.id),
      JSON.stringify({ id: 'cmd-unknown', type: 'reboot', ok: true, at: new Date().toISOString() }),
      { qos: 1 },
    );
    await client.publishAsync(
      topics.screenCmdResult(s.id),
      JSON.stringify({
        id,
        type: 'reboot',
        ok: false,
        at: new Date().toISOString(),
        message: 'watchdog busy',
      }),
      { qos: 1 },
    );
    const done = await poll(`/api/v1/screens/${s.id}/commands/${id}`, (b) => b.state !== 'pending');
    expect(done).toMatchObject({ state: 'failed', result: { ok: false, message: 'watchdog busy' } });
    expect(
      (await h.call('GET', `/api/v1/screens/${s.id}/commands/cmd-unknown`, { as: 'admin' })).status,
    ).toBe(404);
  });

  it('a command id of one screen cannot be answered under another screen', async () => {
    const a = await h.screen();
    const b = await h.screen();
    const { id } = (
      await h.call('POST', `/api/v1/screens/${a.id}/commands`, { as: 'admin', body: { type: 'reload' } })
    ).body as { id: string };
    const other = await h.connectScreen(b.id, b.token);
    await other.publishAsync(
      topics.screenCmdResult(b.id),
      JSON.stringify({ id, type: 'reload', ok: true, at: new Date().toISOString() }),
      { qos: 1 },
    );
    await new Promise((r) => setTimeout(r, 200));
    const r = await h.call('GET', `/api/v1/screens/${a.id}/commands/${id}`, { as: 'admin' });
    expect(r.body).toMatchObject({ state: 'pending' });
    expect((await h.call('GET', `/api/v1/screens/${b.id}/commands/${id}`, { as: 'admin' })).status).toBe(404);
  });

  it('400 for an unknown type or a bad parameter, 401, 403 for operators, 404 for unknown screens', async () => {
    const s = await h.screen();
    const unknown = await h.call('POST', `/api/v1/screens/${s.id}/commands`, {
      as: 'technician',
      body: { type: 'format-disk' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ issues: [{ path: 'type' }] });
    const level = await h.call('POST', `/api/v1/screens/${s.id}/commands`, {
      as: 'technician',
      body: { type: 'brightness', level: 101 },
    });
    expect(level.body).toMatchObject({ issues: [{ path: 'level' }] });
    expect(
      (await h.call('POST', `/api/v1/screens/${s.id}/commands`, { body: { type: 'reload' } })).status,
    ).toBe(401);
    expect(
      (await h.call('POST', `/api/v1/screens/${s.id}/commands`, { as: 'operator', body: { type: 'reload' } }))
        .status,
    ).toBe(403);
    expect((await h.call('GET', `/api/v1/screens/${s.id}/commands/x`, { as: 'operator' })).status).toBe(403);
    expect(
      (await h.call('POST', '/api/v1/screens/nope/commands', { as: 'technician', body: { type: 'reload' } }))
        .status,
    ).toBe(404);
    expect((await h.call('GET', `/api/v1/screens/${s.id}/commands/nope`, { as: 'technician' })).status).toBe(
      404,
    );
    const entries = await eventually(() => {
      const e = h.server.store
        .listAudit({ target: `screen:${s.id}` })
        .filter((x) => x.action.startsWith('command.'));
      return e.length >= 4 ? e : null;
    });
    expect(entries.map((e) => e.outcome).sort()).toEqual(['denied', 'denied', 'invalid', 'invalid']);
  });
});
