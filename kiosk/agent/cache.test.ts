import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageCache } from './cache.ts';
import { silentLogger } from './log.ts';

describe('MessageCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-cache-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('round-trips entries atomically, one file per topic', async () => {
    const c = new MessageCache(dir, silentLogger);
    await c.init();
    await c.put('v1/feeds/transport/stop-1', '{"a":1}');
    await c.put('v1/feeds/transport/stop-1', '{"a":2}');
    await c.put('v1/campaigns/c.1', Buffer.from('{"b":true}'));
    await c.idle();
    expect((await readdir(dir)).sort()).toEqual(['v1~campaigns~c.1.json', 'v1~feeds~transport~stop-1.json']);
    const again = new MessageCache(dir, silentLogger);
    const entries = await again.loadAll();
    expect(entries.map((e) => [e.key, e.payload.toString()])).toEqual([
      ['v1/campaigns/c.1', '{"b":true}'],
      ['v1/feeds/transport/stop-1', '{"a":2}'],
    ]);
    expect(again.corruptions).toBe(0);
  });

  it('sets corrupt entries aside, counts them and keeps the rest', async () => {
    const c = new MessageCache(dir, silentLogger);
    await c.init();
    await c.put('v1/screens/s1/config', '{"ok":1}');
    await c.put('v1/feeds/water/w1', '{"ok":2}');
    await c.put('v1/feeds/water/w2', '{"ok":3}');
    await c.idle();
    // A flipped byte in the payload (checksum), a truncated file (JSON) and a leftover temp file.
    const f1 = join(dir, 'v1~feeds~water~w1.json');
    await writeFile(f1, (await readFile(f1, 'utf8')).replace(':2}', ':7}'));
    const f2 = join(dir, 'v1~feeds~water~w2.json');
    await writeFile(f2, (await readFile(f2, 'utf8')).slice(0, 20));
    await writeFile(join(dir, 'v1~feeds~water~w3.json.123.abcd.tmp'), 'partial');
    const again = new MessageCache(dir, silentLogger);
    const entries = await again.loadAll();
    expect(entries.map((e) => e.key)).toEqual(['v1/screens/s1/config']);
    expect(again.corruptions).toBe(2);
    expect((await readdir(dir)).sort()).toEqual([
      'v1~feeds~water~w1.json.corrupt',
      'v1~feeds~water~w2.json.corrupt',
      'v1~screens~s1~config.json',
    ]);
    // A fresh copy of the same key is accepted again.
    await again.put('v1/feeds/water/w1', '{"ok":2}');
    await again.idle();
    expect((await new MessageCache(dir, silentLogger).loadAll()).length).toBe(2);
  });

  it('removes and clears, and refuses keys that could escape its directory', async () => {
    const c = new MessageCache(dir, silentLogger);
    await c.init();
    await c.put('a/b', '1');
    await c.put('a/c', '2');
    await c.remove('a/b');
    await c.idle();
    expect((await c.loadAll()).map((e) => e.key)).toEqual(['a/c']);
    await c.clear();
    expect(await readdir(dir)).toEqual([]);
    expect(() => c.put('../x', '1')).toThrow(/invalid cache key/);
    expect(() => c.put('a~b', '1')).toThrow(/invalid cache key/);
  });
});
