import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../protocol/index.ts';
import { RetainedIndex, arrayStream, indexedMemoryPersistence } from './retained-index.ts';

function indexOf(topics: string[]): RetainedIndex<string> {
  const index = new RetainedIndex<string>();
  for (const t of topics) index.set(t, t);
  return index;
}

describe('RetainedIndex', () => {
  const topics = [
    'stander/v1/feeds/transport/stop-1',
    'stander/v1/feeds/transport/stop-2',
    'stander/v1/feeds/parking/p1',
    'stander/v1/screens/s1/config',
    'stander/v1/screens/s1/status',
    'stander/v1/screens/s2/config',
    'stander/v1',
    '$SYS/broker/uptime',
  ];

  it('answers an exact filter with that topic only', () => {
    const index = indexOf(topics);
    expect(index.match('stander/v1/screens/s1/config')).toEqual(['stander/v1/screens/s1/config']);
    expect(index.match('stander/v1/screens/s3/config')).toEqual([]);
    expect(index.match('stander/v1/screens')).toEqual([]); // an inner node holds no message
  });

  it('matches + as exactly one level, in first-stored order', () => {
    const index = indexOf(topics);
    expect(index.match('stander/v1/screens/+/config')).toEqual([
      'stander/v1/screens/s1/config',
      'stander/v1/screens/s2/config',
    ]);
    expect(index.match('stander/v1/feeds/+')).toEqual([]);
    expect(index.match('+/v1')).toEqual(['stander/v1']);
  });

  it('matches # as the level itself and everything below it', () => {
    const index = indexOf(topics);
    expect(index.match('stander/v1/feeds/#')).toEqual([
      'stander/v1/feeds/transport/stop-1',
      'stander/v1/feeds/transport/stop-2',
      'stander/v1/feeds/parking/p1',
    ]);
    expect(index.match('stander/v1/#')).toHaveLength(7);
    expect(index.match('stander/v1/#')).toContain('stander/v1');
  });

  it('does not match $ topics with a leading wildcard, but does with an explicit $ level', () => {
    const index = indexOf(topics);
    expect(index.match('#')).not.toContain('$SYS/broker/uptime');
    expect(index.match('#')).toHaveLength(7);
    expect(index.match('+/broker/uptime')).toEqual([]);
    expect(index.match('$SYS/#')).toEqual(['$SYS/broker/uptime']);
  });

  it('deletes topics and prunes their branches; storing again replaces the value', () => {
    const index = indexOf(topics);
    expect(index.delete('stander/v1/feeds/parking/p1')).toBe(true);
    expect(index.delete('stander/v1/feeds/parking/p1')).toBe(false);
    expect(index.delete('stander/v1/feeds')).toBe(false); // inner node, no message
    expect(index.match('stander/v1/feeds/#')).toHaveLength(2);
    expect(index.size).toBe(topics.length - 1);
    index.set('stander/v1/screens/s1/config', 'new');
    expect(index.match('stander/v1/screens/s1/config')).toEqual(['new']);
    expect(index.size).toBe(topics.length - 1);
  });

  it('refuses a filter with # before its last level (matches nothing)', () => {
    expect(indexOf(topics).match('stander/#/config')).toEqual([]);
  });

  it('agrees with a linear scan (topicMatches) on random topics and filters', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const words = ['a', 'b', 'c', '$x'];
    const topicsR = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const len = 1 + rand(4);
      topicsR.add(Array.from({ length: len }, () => words[rand(words.length)]).join('/'));
    }
    const index = indexOf([...topicsR]);
    for (const t of [...topicsR].slice(0, 40)) index.delete(t);
    const live = [...topicsR].slice(40);
    for (let i = 0; i < 400; i++) {
      const len = 1 + rand(4);
      const levels = Array.from({ length: len }, () => ['a', 'b', '$x', '+', '+'][rand(5)] as string);
      if (rand(3) === 0) levels.push('#');
      const filter = levels.join('/');
      const expected = live.filter((t) => topicMatches(filter, t)).sort();
      expect([...index.match(filter)].sort(), filter).toEqual(expected);
    }
  });
});

describe('indexedMemoryPersistence', () => {
  const drain = async (stream: Readable) => {
    const out: Array<{ topic: string; payload: Buffer }> = [];
    for await (const p of stream) out.push(p);
    return out;
  };
  type Store = {
    storeRetained(p: object): Promise<void>;
    createRetainedStream(f: string): Readable;
    createRetainedStreamCombi(f: string[]): Readable;
  };

  it('stores copies, deletes on an empty payload, streams one packet per matching filter', async () => {
    const p = indexedMemoryPersistence() as Store;
    const packet = { cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'), qos: 1, retain: true };
    await p.storeRetained(packet);
    await p.storeRetained({ ...packet, topic: 'a/c', payload: Buffer.from('y') });
    packet.topic = 'changed';
    const one = await drain(p.createRetainedStream('a/b'));
    expect(one.map((x) => [x.topic, x.payload.toString()])).toEqual([['a/b', 'x']]);
    const both = await drain(p.createRetainedStreamCombi(['a/+', 'a/b']));
    expect(both.map((x) => x.topic)).toEqual(['a/b', 'a/c', 'a/b']);
    await p.storeRetained({ ...packet, topic: 'a/b', payload: Buffer.alloc(0) });
    expect((await drain(p.createRetainedStream('#'))).map((x) => x.topic)).toEqual(['a/c']);
  });
});

describe('arrayStream', () => {
  it('streams every item in order to a slow consumer (backpressure), then ends', async () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ n: i }));
    const seen: number[] = [];
    const slow = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(chunk: { n: number }, _enc, cb) {
        seen.push(chunk.n);
        setImmediate(cb);
      },
    });
    await pipeline(arrayStream(items), slow);
    expect(seen).toEqual(items.map((x) => x.n));
  });

  it('ends at once when empty', async () => {
    const out: unknown[] = [];
    for await (const x of arrayStream([])) out.push(x);
    expect(out).toEqual([]);
  });
});
