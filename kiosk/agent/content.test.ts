import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssetRef } from '../../protocol/index.ts';
import { ContentStore } from './content.ts';
import { silentLogger } from './log.ts';
import { type AssetServer, startAssetServer } from './testing/asset-server.ts';

const AUTH = 'Bearer scr-1:secret-token';

function asset(bytes: Buffer, sha = createHash('sha256').update(bytes).digest('hex')): AssetRef {
  return { sha256: sha, size: bytes.length, mime: 'image/png', url: `/content/${sha}` };
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ContentStore', () => {
  let dir: string;
  let blobs: Map<string, Buffer>;
  let srv: AssetServer;
  const stores: ContentStore[] = [];
  const make = async (quotaBytes = 10 * 1024 * 1024, minFreeBytes = 0) => {
    const s = new ContentStore({
      dir,
      serverUrl: srv.url,
      authorization: AUTH,
      quotaBytes,
      minFreeBytes,
      log: silentLogger,
      retryBaseMs: 50,
      retryMaxMs: 200,
      rejectRetryMs: 60_000,
    });
    await s.init();
    s.start();
    stores.push(s);
    return s;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-content-'));
    blobs = new Map();
    srv = await startAssetServer(blobs, { authorization: AUTH });
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await srv.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads with the screen token, verifies and stores by sha256', async () => {
    const bytes = randomBytes(200_000);
    const a = asset(bytes);
    blobs.set(a.url, bytes);
    const s = await make();
    s.want([a]);
    expect(s.progress()).toMatchObject({ pending: 1, bytesTotal: 200_000 });
    await until(() => s.has(a.sha256));
    const f = s.open(a.sha256);
    expect(f?.mime).toBe('image/png');
    expect((await readFile(f!.path)).equals(bytes)).toBe(true);
    expect(s.progress()).toEqual({ pending: 0, bytesDone: 0, bytesTotal: 0 });
    expect(srv.requests[0]?.authorization).toBe(AUTH);
  });

  it('resumes a download cut at half with a Range request and verifies the result', async () => {
    const bytes = randomBytes(1_000_000);
    const a = asset(bytes);
    blobs.set(a.url, bytes);
    srv.cutNext(a.url, 500_000);
    const s = await make();
    s.want([a]);
    await until(() => s.has(a.sha256));
    expect(srv.requests.length).toBe(2);
    expect(srv.requests[0]?.range).toBeUndefined();
    const m = /^bytes=(\d+)-$/.exec(srv.requests[1]?.range ?? '');
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThanOrEqual(500_000);
    expect((await readFile(s.open(a.sha256)!.path)).equals(bytes)).toBe(true);
    expect(await readdir(join(dir, 'partial'))).toEqual([]);
  });

  it('resumes a partial file left by an earlier run', async () => {
    const bytes = randomBytes(600_000);
    const a = asset(bytes);
    blobs.set(a.url, bytes);
    srv.cutNext(a.url, 300_000);
    const first = await make();
    first.want([a]);
    await until(() => first.failureOf(a.sha256) !== undefined);
    await first.close();
    expect((await stat(join(dir, 'partial', `${a.sha256}.part`))).size).toBe(300_000);
    const second = await make();
    second.want([a]);
    await until(() => second.has(a.sha256));
    expect(srv.requests.at(-1)?.range).toBe('bytes=300000-');
  });

  it('rejects bytes that do not match the sha256 and never stores them', async () => {
    const bytes = randomBytes(50_000);
    const wrongSha = createHash('sha256').update('something else').digest('hex');
    const a = asset(bytes, wrongSha);
    blobs.set(a.url, bytes);
    const s = await make();
    s.want([a]);
    await until(() => s.failureOf(wrongSha) !== undefined);
    expect(s.failureOf(wrongSha)).toMatchObject({ rejected: true });
    expect(s.failureOf(wrongSha)?.error).toMatch(/sha256 mismatch/);
    expect(s.has(wrongSha)).toBe(false);
    expect(s.open(wrongSha)).toBeNull();
    expect(s.rejectedCount).toBe(1);
    expect(await readdir(join(dir, 'blobs'))).toEqual([]);
    expect(await readdir(join(dir, 'partial'))).toEqual([]);
  });

  it('rejects a body longer than the declared size', async () => {
    const bytes = randomBytes(10_000);
    const a = { ...asset(bytes), size: 5_000 };
    blobs.set(a.url, bytes);
    const s = await make();
    s.want([a]);
    await until(() => s.failureOf(a.sha256) !== undefined);
    expect(s.failureOf(a.sha256)).toMatchObject({ rejected: true });
    expect(s.has(a.sha256)).toBe(false);
  });

  it('reports HTTP errors and retries', async () => {
    const bytes = randomBytes(1000);
    const a = asset(bytes);
    const s = await make();
    s.want([a]);
    await until(() => (s.failureOf(a.sha256)?.attempts ?? 0) >= 2);
    expect(s.failureOf(a.sha256)).toMatchObject({
      rejected: false,
      error: expect.stringMatching(/HTTP 404/),
    });
    blobs.set(a.url, bytes);
    await until(() => s.has(a.sha256));
    expect(s.failureOf(a.sha256)).toBeUndefined();
  });

  it('keeps to its quota by evicting the least recently used unreferenced assets only', async () => {
    const [b1, b2, b3] = [randomBytes(40_000), randomBytes(40_000), randomBytes(40_000)];
    const [a1, a2, a3] = [asset(b1!), asset(b2!), asset(b3!)];
    for (const [a, b] of [
      [a1, b1],
      [a2, b2],
      [a3, b3],
    ] as const)
      blobs.set(a.url, b);
    const s = await make(100_000);
    s.want([a1, a2]);
    await until(() => s.has(a1.sha256) && s.has(a2.sha256));
    // a1 is no longer referenced; a2 still is. a3 needs room: a1 goes, a2 stays.
    s.want([a2, a3]);
    await until(() => s.has(a3.sha256));
    expect(s.has(a1.sha256)).toBe(false);
    expect(s.has(a2.sha256)).toBe(true);
    expect(s.usedBytes()).toBeLessThanOrEqual(100_000);
    // Nothing unreferenced left to evict: a fourth asset cannot fit and says why.
    const b4 = randomBytes(40_000);
    const a4 = asset(b4);
    blobs.set(a4.url, b4);
    s.want([a2, a3, a4]);
    await until(() => s.failureOf(a4.sha256) !== undefined);
    expect(s.failureOf(a4.sha256)?.error).toMatch(/quota full/);
    expect(s.has(a2.sha256) && s.has(a3.sha256)).toBe(true);
  });

  it('never fills the disk: the quota shrinks to what the disk can spare', async () => {
    const bytes = randomBytes(1000);
    const a = asset(bytes);
    blobs.set(a.url, bytes);
    // Ask to keep more free space than any disk has: nothing may be stored.
    const s = await make(10 * 1024 * 1024, Number.MAX_SAFE_INTEGER);
    s.want([a]);
    await until(() => s.failureOf(a.sha256) !== undefined);
    expect(s.failureOf(a.sha256)?.error).toMatch(/quota/);
    expect(s.has(a.sha256)).toBe(false);
  });

  it('survives a restart with its index and drops blobs of the wrong size', async () => {
    const bytes = randomBytes(30_000);
    const a = asset(bytes);
    blobs.set(a.url, bytes);
    const s = await make();
    s.want([a]);
    await until(() => s.has(a.sha256));
    await s.close();
    const again = await make();
    expect(again.open(a.sha256)?.mime).toBe('image/png');
    await again.close();
    const { truncate } = await import('node:fs/promises');
    await truncate(join(dir, 'blobs', a.sha256), 100);
    const third = await make();
    expect(third.has(a.sha256)).toBe(false);
  });
});
