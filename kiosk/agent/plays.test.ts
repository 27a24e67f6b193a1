import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Plays, PlaysSchema } from '../../protocol/index.ts';
import { silentLogger } from './log.ts';
import { PlaysRecorder } from './plays.ts';

describe('PlaysRecorder', () => {
  let dir: string;
  let sent: Plays[];
  let online: boolean;
  let t: number;
  const make = (maxOutbox = 100) =>
    new PlaysRecorder({
      dir,
      publish: async (p) => {
        if (!online) throw new Error('offline');
        sent.push(PlaysSchema.parse(JSON.parse(p.toString())));
      },
      isOnline: () => online,
      log: silentLogger,
      batchIntervalMs: 3600_000,
      maxOutbox,
      now: () => t,
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-plays-'));
    sent = [];
    online = true;
    t = Date.parse('2026-06-15T10:00:00Z');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('aggregates counts only, and sends nothing for an empty interval', async () => {
    const r = make();
    await r.init();
    await r.rotate();
    expect(sent).toEqual([]);
    r.recordPlay({ campaignId: 'c', campaignVersion: 1, slideIndex: 0, seconds: 10 });
    r.recordPlay({ campaignId: 'c', campaignVersion: 1, slideIndex: 0, seconds: 9.5 });
    r.recordPlay({ campaignId: 'c', campaignVersion: 1, slideIndex: 1, seconds: 5 });
    r.recordView('map');
    r.recordView('map');
    r.recordTouch();
    t += 60_000;
    await r.rotate();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      from: '2026-06-15T10:00:00.000Z',
      to: '2026-06-15T10:01:00.000Z',
      plays: [
        { campaignId: 'c', campaignVersion: 1, slideIndex: 0, count: 2, seconds: 19.5 },
        { campaignId: 'c', campaignVersion: 1, slideIndex: 1, count: 1, seconds: 5 },
      ],
      views: [{ view: 'map', count: 2 }],
      touches: 1,
    });
    expect(Object.keys(sent[0]!).sort()).toEqual(['batchId', 'from', 'plays', 'to', 'touches', 'views']);
    await r.close();
  });

  it('keeps batches on disk while offline, oldest first, bounded, and across a restart', async () => {
    online = false;
    const r = make(3);
    await r.init();
    for (let i = 0; i < 5; i++) {
      r.recordTouch();
      t += 60_000;
      await r.rotate();
    }
    expect(await r.pendingBatches()).toBe(3);
    expect(r.dropped).toBe(2);
    r.recordView('events');
    await r.close();
    expect((await readdir(dir)).filter((n) => n.endsWith('.json'))).toHaveLength(3);
    online = true;
    const again = make(10);
    await again.init();
    await again.flush();
    expect(sent.map((b) => b.touches)).toEqual([1, 1, 0]);
    expect(sent[2]?.views).toEqual([{ view: 'events', count: 1 }]);
    expect(sent.map((b) => b.from)).toEqual([...sent.map((b) => b.from)].sort());
    expect(await again.pendingBatches()).toBe(0);
    await again.close();
  });
});
