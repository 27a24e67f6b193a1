import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../agent/log.ts';
import { type BridgeAction, type BridgeServerMessage, emptyKioskState, type KioskState } from './types.ts';
import { startUiServer, type UiServer } from './ws-server.ts';

/** A raw GET with a chosen Host header (fetch does not allow setting it). */
function rawGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function nextMessage(ws: WebSocket): Promise<BridgeServerMessage> {
  return new Promise((resolve, reject) => {
    ws.once('message', (m) => resolve(JSON.parse(m.toString()) as BridgeServerMessage));
    ws.once('error', reject);
  });
}

describe('UI server', () => {
  let dir: string;
  let srv: UiServer;
  let state: KioskState;
  const listeners = new Set<(s: KioskState) => void>();
  const actions: BridgeAction[] = [];
  const assetBytes = Buffer.from('0123456789abcdef'.repeat(64));
  const sha = 'a'.repeat(64);

  const setState = (patch: Partial<KioskState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l(state);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-ui-'));
    state = emptyKioskState('scr-1', '1.0.0');
    actions.length = 0;
    await writeFile(join(dir, 'asset.bin'), assetBytes);
    srv = await startUiServer({
      port: 0,
      rendererDir: join(dir, 'renderer'),
      api: {
        getState: () => state,
        subscribe: (l) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
        dispatch: (a) => actions.push(a),
      },
      assets: {
        open: (s) =>
          s === sha ? { path: join(dir, 'asset.bin'), size: assetBytes.length, mime: 'video/mp4' } : null,
      },
      log: silentLogger,
      debounceMs: 50,
    });
  });
  afterEach(async () => {
    await srv.close();
    listeners.clear();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and says clearly when the UI is not built', async () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await fetch(srv.url);
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('npm run build');
  });

  it('serves the built renderer with an SPA fallback and no path traversal', async () => {
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dir, 'renderer', 'assets', 'index-AbCd1234.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'no');
    const index = await fetch(srv.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(`${srv.url}/map`)).status).toBe(200);
    const js = await fetch(`${srv.url}/assets/index-AbCd1234.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${srv.url}/missing.js`)).status).toBe(404);
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const r = await rawGet(srv.port, path, { host: `127.0.0.1:${srv.port}` });
      expect([403, 404]).toContain(r.status);
      expect(r.body).not.toBe('no');
    }
    expect((await fetch(srv.url, { method: 'POST' })).status).toBe(405);
  });

  it('serves verified assets with Range support, and nothing else under /assets', async () => {
    const full = await fetch(`${srv.url}/assets/${sha}`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await full.arrayBuffer()).equals(assetBytes)).toBe(true);
    const part = await fetch(`${srv.url}/assets/${sha}`, { headers: { range: 'bytes=16-31' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 16-31/${assetBytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).toString()).toBe('0123456789abcdef');
    expect((await fetch(`${srv.url}/assets/${sha}`, { headers: { range: 'bytes=99999-' } })).status).toBe(
      416,
    );
    expect((await fetch(`${srv.url}/assets/${'b'.repeat(64)}`)).status).toBe(404);
  });

  it('refuses foreign Host headers and foreign WebSocket origins (DNS rebinding)', async () => {
    expect((await rawGet(srv.port, '/', { host: 'evil.example:80' })).status).toBe(403);
    expect((await rawGet(srv.port, '/', { host: `localhost:${srv.port}` })).status).toBe(503);
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/bridge`, {
      headers: { origin: 'https://evil.example' },
    });
    const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(err.message).toMatch(/403/);
  });

  it('sends the state on connect and on change (debounced), and accepts only valid actions', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/bridge`, { headers: { origin: srv.url } });
    const first = await nextMessage(ws);
    expect(first).toEqual({ type: 'state', state });
    // A burst of changes arrives as one message with the last state.
    const next = nextMessage(ws);
    for (let i = 1; i <= 5; i++) setState({ reloadSeq: i });
    expect((await next).state.reloadSeq).toBe(5);
    const more: BridgeServerMessage[] = [];
    ws.on('message', (m) => more.push(JSON.parse(m.toString()) as BridgeServerMessage));
    await new Promise((r) => setTimeout(r, 150));
    expect(more).toHaveLength(0);

    ws.send(JSON.stringify({ type: 'action', action: { type: 'view', view: 'transport' } }));
    ws.send(
      JSON.stringify({
        type: 'action',
        action: { type: 'play', campaignId: 'c1', campaignVersion: 1, slideIndex: 0, seconds: 9.5 },
      }),
    );
    ws.send(
      JSON.stringify({
        type: 'action',
        action: { type: 'play', campaignId: 'bad/id', campaignVersion: 1, slideIndex: 0, seconds: 1 },
      }),
    );
    ws.send(JSON.stringify({ type: 'action', action: { type: 'reboot' } }));
    ws.send('not json');
    await new Promise((r) => setTimeout(r, 150));
    expect(actions).toEqual([
      { type: 'view', view: 'transport' },
      { type: 'play', campaignId: 'c1', campaignVersion: 1, slideIndex: 0, seconds: 9.5 },
    ]);
    expect(srv.invalidMessages()).toBe(3);
    expect(srv.clients()).toBe(1);
    ws.close();
  });
});
