import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plays } from '../../protocol/index.ts';
import { PlaysStore, csvCell, playsToCsv } from './plays.ts';

let dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  dirs = [];
});

function batch(id: string, to: string, plays: Plays['plays'], touches = 0): Plays {
  return { batchId: id, from: to, to, plays, views: [], touches };
}
const NOW = Date.parse('2026-05-02T00:00:00Z');

describe('PlaysStore', () => {
  it('aggregates per hour, screen and campaign version, and ignores a duplicate batch', () => {
    const s = new PlaysStore({ file: null });
    const p = [{ campaignId: 'c1', campaignVersion: 2, slideIndex: 0, count: 3, seconds: 30 }];
    expect(s.add('s1', batch('b1', '2026-05-01T10:05:00Z', p), NOW)).toBe(true);
    expect(s.add('s1', batch('b1', '2026-05-01T10:05:00Z', p), NOW)).toBe(false);
    s.add('s1', batch('b2', '2026-05-01T10:55:00Z', p), NOW);
    s.add('s2', batch('b1', '2026-05-01T11:01:00Z', p), NOW);
    expect(s.query()).toEqual([
      {
        hour: '2026-05-01T10:00:00.000Z',
        screenId: 's1',
        campaignId: 'c1',
        campaignVersion: 2,
        plays: 6,
        seconds: 60,
      },
      {
        hour: '2026-05-01T11:00:00.000Z',
        screenId: 's2',
        campaignId: 'c1',
        campaignVersion: 2,
        plays: 3,
        seconds: 30,
      },
    ]);
    expect(s.query({ screenId: 's2' })).toHaveLength(1);
    expect(s.query({ from: '2026-05-01T11:30:00Z' })).toHaveLength(1);
    expect(s.query({ to: '2026-05-01T11:00:00Z' })).toHaveLength(1);
    expect(s.summary()).toEqual([
      {
        campaignId: 'c1',
        screenId: 's1',
        plays: 6,
        seconds: 60,
        firstHour: '2026-05-01T10:00:00.000Z',
        lastHour: '2026-05-01T10:00:00.000Z',
      },
      {
        campaignId: 'c1',
        screenId: 's2',
        plays: 3,
        seconds: 30,
        firstHour: '2026-05-01T11:00:00.000Z',
        lastHour: '2026-05-01T11:00:00.000Z',
      },
    ]);
  });

  it('stays bounded by retention and row count', () => {
    const s = new PlaysStore({ file: null, retentionDays: 1, maxRows: 3 });
    const p = (c: string) => [{ campaignId: c, campaignVersion: 1, slideIndex: 0, count: 1, seconds: 5 }];
    s.add('s1', batch('old', '2026-04-29T10:00:00Z', p('c0')), NOW);
    expect(s.query()).toEqual([]);
    for (let i = 0; i < 5; i++) s.add('s1', batch(`b${i}`, `2026-05-01T1${i}:00:00Z`, p('c1')), NOW);
    expect(s.query().map((r) => r.hour.slice(11, 13))).toEqual(['12', '13', '14']);
  });

  it('survives a restart through its file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plays-'));
    dirs.push(dir);
    const file = join(dir, 'plays.json');
    const a = new PlaysStore({ file, saveDelayMs: 10 });
    a.add(
      's1',
      batch('b1', '2026-05-01T10:00:00Z', [
        { campaignId: 'c1', campaignVersion: 1, slideIndex: 0, count: 2, seconds: 9 },
      ]),
      NOW,
    );
    await a.flush();
    const b = new PlaysStore({ file });
    await b.load();
    expect(b.query()[0]?.plays).toBe(2);
    expect(b.add('s1', batch('b1', '2026-05-01T10:00:00Z', []), NOW)).toBe(false);
    expect(JSON.parse(await readFile(file, 'utf8')).rows).toHaveLength(1);
  });

  it('writes CSV with a header, quoting and formula protection', () => {
    const csv = playsToCsv([
      {
        hour: '2026-05-01T10:00:00.000Z',
        screenId: 's1',
        campaignId: 'c1',
        campaignVersion: 2,
        plays: 6,
        seconds: 60.5,
      },
    ]);
    expect(csv).toBe(
      'hour,screenId,campaignId,campaignVersion,plays,seconds\r\n2026-05-01T10:00:00.000Z,s1,c1,2,6,60.5\r\n',
    );
    expect(csvCell('=SUM(A1)')).toBe('"\'=SUM(A1)"');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell(-3)).toBe('-3');
  });
});
