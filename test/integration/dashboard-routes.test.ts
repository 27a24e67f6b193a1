import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePayloads } from '../../protocol/samples.ts';
import { topics } from '../../protocol/index.ts';
import { type Harness, startHarness } from './support/api-harness.ts';

/**
 * The dashboard's server routes against the real composed server, with real MQTT clients acting as
 * screens: the SSE stream (and who gets what on it), delivery counting, screenshots with screen
 * auth, proof of play and its CSV, health history, alerts with acknowledgement, role refusals.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Opens the live stream and collects its events. */
async function stream(token: string) {
  const ac = new AbortController();
  const res = await fetch(`${h.url}/api/v1/stream?token=${encodeURIComponent(token)}`, { signal: ac.signal });
  const events: SseEvent[] = [];
  const reader = res.body?.getReader();
  let buf = '';
  const pump = (async () => {
    if (!reader) return;
    const dec = new TextDecoder();
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (r.done) return;
      buf += dec.decode(r.value, { stream: true });
      let i = buf.indexOf('\n\n');
      while (i >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (ev && data) events.push({ event: ev, data: JSON.parse(data) as Record<string, unknown> });
        i = buf.indexOf('\n\n');
      }
    }
  })();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    events,
    async until(pred: (e: SseEvent) => boolean, timeoutMs = 10_000): Promise<SseEvent> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (Date.now() > end) throw new Error(`no such event; got ${events.map((e) => e.event).join(',')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close() {
      ac.abort();
      return pump;
    },
  };
}

function health(over: Record<string, unknown> = {}) {
  return { ...samplePayloads().health, at: new Date().toISOString(), ...over };
}

async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('dashboard routes', () => {
  it('streams presence, health and delivery live; operators get no health on it', async () => {
    const none = await fetch(`${h.url}/api/v1/stream`);
    expect(none.status).toBe(401);
    const tech = await stream(h.tokens.technician);
    const op = await stream(h.tokens.operator);
    expect(tech.status).toBe(200);
    expect(tech.type).toContain('text/event-stream');

    const a = await h.screen({ groups: ['harbour'] });
    const b = await h.screen({ groups: ['harbour'] });
    const c = await h.call('POST', '/api/v1/campaigns', {
      as: 'operator',
      body: {
        name: 'Swim week',
        target: { groups: ['harbour'] },
        slides: [{ kind: 'text', title: { en: 'Swim' }, durationS: 10 }],
      },
    });
    expect(c.status).toBe(201);
    const id = (c.body as { id: string }).id;
    await tech.until((e) => e.event === 'campaign' && e.data.id === id);

    const ca = await h.connectScreen(a.id, a.token);
    const status = (campaigns: Array<{ id: string; version: number }>) =>
      JSON.stringify({
        state: 'online',
        at: new Date().toISOString(),
        appVersion: '1',
        contentVersion: 'x',
        campaigns,
      });
    await ca.publishAsync(topics.screenStatus(a.id), status([{ id, version: 1 }]), { qos: 1, retain: true });
    await tech.until((e) => e.event === 'presence' && e.data.screenId === a.id && e.data.online === true);
    await op.until((e) => e.event === 'presence' && e.data.screenId === a.id);
    const half = await tech.until(
      (e) => e.event === 'delivery' && e.data.campaignId === id && e.data.have === 1,
    );
    expect(half.data).toMatchObject({ version: 1, targeted: 2, have: 1 });

    const d = await h.call('GET', `/api/v1/campaigns/${id}/delivery`, { as: 'operator' });
    expect(d.body).toMatchObject({ campaignId: id, version: 1, targeted: 2, have: 1 });
    const laggards = (d.body as { screens: Array<{ id: string; has: boolean }> }).screens.filter(
      (s) => !s.has,
    );
    expect(laggards.map((s) => s.id)).toEqual([b.id]);
    // The campaign answer carries the same counts.
    const camp = await h.call('GET', `/api/v1/campaigns/${id}`, { as: 'operator' });
    expect((camp.body as { delivery: unknown }).delivery).toEqual({ targeted: 2, have: 1 });

    // Health reaches technicians, never operators.
    await ca.publishAsync(topics.screenHealth(a.id), JSON.stringify(health({ temperatureC: 55 })), {
      qos: 0,
    });
    await tech.until((e) => e.event === 'health' && e.data.screenId === a.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(op.events.some((e) => e.event === 'health')).toBe(false);

    // A new version resets delivery until screens report it.
    const put = await h.call('PUT', `/api/v1/campaigns/${id}`, {
      as: 'operator',
      body: {
        name: 'Swim week',
        target: { groups: ['harbour'] },
        slides: [{ kind: 'text', title: { en: 'Swim!' }, durationS: 10 }],
      },
    });
    expect(put.status).toBe(200);
    await tech.until(
      (e) => e.event === 'delivery' && e.data.campaignId === id && e.data.version === 2 && e.data.have === 0,
    );
    await tech.close();
    await op.close();
    await ca.endAsync();
  });

  it('stores a screen screenshot only from that screen, and shows it to technicians only', async () => {
    const a = await h.screen();
    const b = await h.screen();
    const img = new PNG({ width: 32, height: 20 });
    img.data.fill(200);
    const png = PNG.sync.write(img);
    const post = (id: string, token: string, data: Buffer | string, type = 'image/png') =>
      fetch(`${h.url}/api/v1/screens/${id}/screenshot`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body: typeof data === 'string' ? data : new Uint8Array(data),
      });
    expect((await post(a.id, `${b.id}:${b.token}`, png)).status).toBe(403);
    expect((await post(a.id, `${a.id}:wrong`, png)).status).toBe(401);
    expect((await post(a.id, h.tokens.technician, png)).status).toBe(403);
    expect((await post(a.id, `${a.id}:${a.token}`, 'not a png', 'image/png')).status).toBe(400);
    expect((await post(a.id, `${a.id}:${a.token}`, png, 'text/plain')).status).toBe(415);
    const ok = await post(a.id, `${a.id}:${a.token}`, png);
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ screenId: a.id, width: 32, height: 20, bytes: png.length });

    const get = await fetch(`${h.url}/api/v1/screens/${a.id}/screenshot`, {
      headers: { authorization: `Bearer ${h.tokens.technician}` },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await get.arrayBuffer()).equals(png)).toBe(true);
    const op = await h.call('GET', `/api/v1/screens/${a.id}/screenshot`, { as: 'operator' });
    expect(op.status).toBe(403);
    expect((await h.call('GET', `/api/v1/screens/${b.id}/screenshot`, { as: 'technician' })).status).toBe(
      404,
    );
    // The upload is in the audit log, by the screen.
    const audit = await h.call('GET', `/api/v1/audit?q=screenshot.upload`, { as: 'admin' });
    expect((audit.body as { entries: Array<{ actor: string }> }).entries.map((e) => e.actor)).toContain(
      `screen:${a.id}`,
    );
  });

  it('counts proof of play once per batch and exports it as CSV', async () => {
    const a = await h.screen();
    const ca = await h.connectScreen(a.id, a.token);
    const now = new Date().toISOString();
    const batch = {
      batchId: 'b-1',
      from: now,
      to: now,
      plays: [{ campaignId: 'swim', campaignVersion: 3, slideIndex: 0, count: 4, seconds: 40 }],
      views: [],
      touches: 2,
    };
    await ca.publishAsync(topics.screenPlays(a.id), JSON.stringify(batch), { qos: 1 });
    await ca.publishAsync(topics.screenPlays(a.id), JSON.stringify(batch), { qos: 1 }); // redelivery
    const r = await eventually(
      () => h.call('GET', `/api/v1/plays?screenId=${a.id}`, { as: 'operator' }),
      (x) => ((x.body as { summary: unknown[] }).summary ?? []).length > 0,
    );
    await new Promise((res) => setTimeout(res, 300));
    const again = await h.call('GET', `/api/v1/plays?screenId=${a.id}`, { as: 'operator' });
    expect((again.body as { summary: Array<{ plays: number }> }).summary).toMatchObject([
      { campaignId: 'swim', screenId: a.id, plays: 4, seconds: 40 },
    ]);
    expect(r.status).toBe(200);
    const csv = await fetch(`${h.url}/api/v1/plays.csv?campaignId=swim`, {
      headers: { authorization: `Bearer ${h.tokens.admin}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="proof-of-play-/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('hour,screenId,campaignId,campaignVersion,plays,seconds');
    expect(lines[1]).toMatch(new RegExp(`^\\d{4}-.*Z,${a.id},swim,3,4,40$`));
    expect((await h.call('GET', '/api/v1/plays', { as: 'technician' })).status).toBe(403);
    expect((await h.call('GET', '/api/v1/plays?from=yesterday', { as: 'operator' })).status).toBe(400);
    await ca.endAsync();
  });

  it('raises, lists and acknowledges alerts from health; keeps health history', {
    timeout: 60_000,
  }, async () => {
    const a = await h.screen();
    const ca = await h.connectScreen(a.id, a.token);
    await ca.publishAsync(
      topics.screenStatus(a.id),
      JSON.stringify({ state: 'online', at: new Date().toISOString() }),
      { qos: 1, retain: true },
    );
    await ca.publishAsync(topics.screenHealth(a.id), JSON.stringify(health({ temperatureC: 91 })), {
      qos: 0,
    });
    const list = await eventually(
      () => h.call('GET', `/api/v1/alerts?screenId=${a.id}`, { as: 'technician' }),
      (x) => ((x.body as { alerts?: unknown[] }).alerts ?? []).length > 0,
      20_000,
    );
    const [alert] = (list.body as { alerts: Array<{ id: string; kind: string; severity: string }> }).alerts;
    expect(alert).toMatchObject({ kind: 'temperature', severity: 'critical' });
    expect((await h.call('GET', '/api/v1/alerts', { as: 'operator' })).status).toBe(403);
    expect((await h.call('POST', '/api/v1/alerts/nope/ack', { as: 'technician' })).status).toBe(404);
    const ack = await h.call('POST', `/api/v1/alerts/${alert?.id}/ack`, { as: 'technician' });
    expect(ack.status).toBe(200);
    expect((ack.body as { acknowledged: { by: string } }).acknowledged.by).toBe('tech');

    const hist = await h.call('GET', `/api/v1/screens/${a.id}/health-history?hours=1`, { as: 'technician' });
    const points = (hist.body as { points: Array<{ temperatureC: number }> }).points;
    expect(points.at(-1)?.temperatureC).toBe(91);
    expect((await h.call('GET', `/api/v1/screens/nope/health-history`, { as: 'technician' })).status).toBe(
      404,
    );
    await ca.endAsync();
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = await h.call('GET', '/api/v1/openapi.json', {});
    const paths = Object.keys((doc.body as { paths: Record<string, unknown> }).paths);
    for (const p of [
      '/api/v1/stream',
      '/api/v1/alerts',
      '/api/v1/plays.csv',
      '/api/v1/users',
      '/api/v1/audit',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
