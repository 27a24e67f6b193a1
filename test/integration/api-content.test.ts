import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { eventually, type Harness, json, nextMessage, startHarness } from './support/api-harness.ts';

let h: Harness;
let png: Buffer;
let sha: string;
let screen: { id: string; token: string };
beforeAll(async () => {
  h = await startHarness();
  const img = new PNG({ width: 256, height: 256 });
  img.data = randomBytes(256 * 256 * 4);
  png = PNG.sync.write(img);
  sha = createHash('sha256').update(png).digest('hex');
  screen = await h.screen();
});
afterAll(async () => {
  await h?.close();
});

const upload = (
  body: Buffer,
  type: string,
  as: 'admin' | 'operator' | 'technician' | null = 'operator',
  name = 'harbour.png',
) =>
  fetch(`${h.url}/api/v1/content?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': type, ...(as ? { authorization: `Bearer ${h.tokens[as]}` } : {}) },
    body: new Uint8Array(body),
  });

describe('API: content', () => {
  it('upload: 201 with the sha256 the server computed and an asset ref; again: 200', async () => {
    const r = await upload(png, 'image/png');
    expect(r.status).toBe(201);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      sha256: sha,
      size: png.length,
      mime: 'image/png',
      name: 'harbour.png',
      uploadedBy: 'operator',
      asset: { sha256: sha, size: png.length, mime: 'image/png', url: `/content/${sha}` },
    });
    const again = await upload(png, 'image/png', 'admin', 'other-name.png');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { name: string }).name).toBe('harbour.png');
    // No temp files left behind.
    expect((await readdir(path.join(h.dataDir, 'content'))).filter((f) => f.startsWith('.'))).toEqual([]);
    const list = await h.call('GET', '/api/v1/content', { as: 'technician' });
    expect((list.body as { content: Array<{ sha256: string }> }).content.map((c) => c.sha256)).toEqual([sha]);
    const audit = await eventually(() =>
      h.server.store.listAudit({ target: `content:${sha}` }).find((e) => e.status === 201),
    );
    expect(audit).toMatchObject({ actor: 'operator', action: 'content.upload', outcome: 'ok' });
  });

  it('upload: 415 for a type outside the allow-list (svg, html) and for bytes that are not the type', async () => {
    const svg = await upload(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'image/svg+xml',
    );
    expect(svg.status).toBe(415);
    expect(((await svg.json()) as { error: string }).error).toMatch(/not allowed/);
    const disguised = await upload(Buffer.from(`<html><body>${'x'.repeat(100)}</body></html>`), 'image/png');
    expect(disguised.status).toBe(415);
    expect(await disguised.json()).toEqual({ error: "the file's bytes are not image/png" });
    const tiny = await upload(Buffer.from([0xff, 0xd8]), 'image/jpeg');
    expect(tiny.status).toBe(415);
    expect((await readdir(path.join(h.dataDir, 'content'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('upload: 413 when the declared size is over the limit, 401 and 403', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(`${h.url}/api/v1/content`);
      const req = http.request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: {
          'content-type': 'video/mp4',
          'content-length': String(201 * 1024 * 1024),
          authorization: `Bearer ${h.tokens.operator}`,
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (e) =>
        e.message.includes('socket hang up') || e.message.includes('EPIPE') ? undefined : reject(e),
      );
      req.write(Buffer.alloc(64 * 1024));
    });
    expect(status).toBe(413);
    expect((await upload(png, 'image/png', null)).status).toBe(401);
    expect((await upload(png, 'image/png', 'technician')).status).toBe(403);
  });

  it('download: a screen with its token gets the bytes; Range answers 206 with exactly that slice', async () => {
    const auth = { authorization: `Bearer ${screen.id}:${screen.token}` };
    const full = await fetch(`${h.url}/content/${sha}`, { headers: auth });
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await full.arrayBuffer()).equals(png)).toBe(true);

    const from = 1000;
    const part = await fetch(`${h.url}/content/${sha}`, { headers: { ...auth, range: `bytes=${from}-` } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes ${from}-${png.length - 1}/${png.length}`);
    const tail = Buffer.from(await part.arrayBuffer());
    // A resumed download: the first part plus the ranged rest hash to the asset's sha256.
    const joined = Buffer.concat([png.subarray(0, from), tail]);
    expect(createHash('sha256').update(joined).digest('hex')).toBe(sha);

    const mid = await fetch(`${h.url}/content/${sha}`, { headers: { ...auth, range: 'bytes=10-19' } });
    expect(mid.status).toBe(206);
    expect(Buffer.from(await mid.arrayBuffer()).equals(png.subarray(10, 20))).toBe(true);
    const beyond = await fetch(`${h.url}/content/${sha}`, {
      headers: { ...auth, range: `bytes=${png.length + 10}-` },
    });
    expect(beyond.status).toBe(416);
  });

  it('download: people with a session may, everybody else 401; only 64-hex names, no traversal', async () => {
    expect(
      (
        await fetch(`${h.url}/content/${sha}`, {
          headers: { authorization: `Bearer ${h.tokens.technician}` },
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${h.url}/content/${sha}`)).status).toBe(401);
    expect(
      (await fetch(`${h.url}/content/${sha}`, { headers: { authorization: `Bearer ${screen.id}:wrong` } }))
        .status,
    ).toBe(401);
    expect(
      (
        await fetch(`${h.url}/content/${sha}`, {
          headers: { authorization: `Bearer nobody:${screen.token}` },
        })
      ).status,
    ).toBe(401);
    const auth = { authorization: `Bearer ${screen.id}:${screen.token}` };
    for (const p of [
      '..%2Fdb.json',
      '..%2F..%2Fetc%2Fpasswd',
      sha.toUpperCase(),
      `${sha}.png`,
      '.upload-x',
      'db.json',
    ]) {
      const r = await fetch(`${h.url}/content/${p}`, { headers: auth });
      expect(r.status, p).toBe(404);
      expect(await r.text()).not.toContain('schemaVersion');
    }
    expect((await fetch(`${h.url}/content/${'c'.repeat(64)}`, { headers: auth })).status).toBe(404);
  });

  it('a campaign can use the uploaded image; wrong size or type of it is refused', async () => {
    const asset = { sha256: sha, size: png.length, mime: 'image/png', url: `/content/${sha}` };
    const slide = { kind: 'image', asset, alt: { en: 'Noise' }, durationS: 8 };
    const watcher = await h.connectScreen(screen.id, screen.token);
    const ok = await h.call('POST', '/api/v1/campaigns', {
      as: 'operator',
      body: { name: 'Pic', target: { all: true }, slides: [slide] },
    });
    expect(ok.status).toBe(201);
    const id = (ok.body as { id: string }).id;
    const msg = await nextMessage(watcher, topics.campaign(id));
    expect(json(msg.payload)).toMatchObject({ slides: [{ kind: 'image', asset }] });
    const wrong = await h.call('POST', '/api/v1/campaigns', {
      as: 'operator',
      body: {
        name: 'Pic',
        target: { all: true },
        slides: [
          { ...slide, asset: { ...asset, size: 5 } },
          { ...slide, kind: 'video' },
        ],
      },
    });
    expect(wrong.status).toBe(400);
    expect((wrong.body as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual([
      'slides.0.asset.size',
      'slides.1.asset.mime',
    ]);
  });

  it('DELETE: 409 while a campaign uses the file, then 204 and the bytes are gone; 401, 403, 404', async () => {
    const auth = { authorization: `Bearer ${screen.id}:${screen.token}` };
    expect((await h.call('DELETE', `/api/v1/content/${sha}`)).status).toBe(401);
    expect((await h.call('DELETE', `/api/v1/content/${sha}`, { as: 'technician' })).status).toBe(403);
    const used = await h.call('DELETE', `/api/v1/content/${sha}`, { as: 'operator' });
    expect(used.status).toBe(409);
    expect(used.body).toMatchObject({ error: expect.stringMatching(/used by campaign "pic-/) });
    for (const c of h.server.store.listCampaigns()) {
      expect((await h.call('DELETE', `/api/v1/campaigns/${c.campaign.id}`, { as: 'operator' })).status).toBe(
        204,
      );
    }
    expect((await h.call('DELETE', `/api/v1/content/${sha}`, { as: 'operator' })).status).toBe(204);
    expect((await fetch(`${h.url}/content/${sha}`, { headers: auth })).status).toBe(404);
    expect((await readdir(path.join(h.dataDir, 'content'))).includes(sha)).toBe(false);
    expect((await h.call('DELETE', `/api/v1/content/${sha}`, { as: 'operator' })).status).toBe(404);
    expect(h.server.store.listAudit({ target: `content:${sha}` })[0]).toMatchObject({
      action: 'content.delete',
      outcome: 'not-found',
    });
  });
});
