import { describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { ingest } from './ingest.ts';
import { emptyData } from './model.ts';
import { screenConfig, textCampaign, waterSnapshot } from './testing/fixtures.ts';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('ingest', () => {
  it('accepts only its own valid config, and forgets feeds the new config drops', () => {
    const d = emptyData();
    expect(ingest(d, 'k1', topics.screenConfig('k1'), json(screenConfig('k2'))).result).toBe('invalid');
    expect(ingest(d, 'k1', topics.screenConfig('k1'), Buffer.from('{')).result).toBe('invalid');
    expect(ingest(d, 'k1', topics.screenConfig('k2'), json(screenConfig('k2'))).result).toBe('ignored');
    const first = ingest(d, 'k1', topics.screenConfig('k1'), json(screenConfig('k1')));
    expect(first).toMatchObject({ result: 'changed', configChanged: true });
    expect(ingest(d, 'k1', topics.screenConfig('k1'), json(d.config)).result).toBe('same');
    expect(ingest(d, 'k1', topics.screenConfig('k1'), Buffer.alloc(0)).result).toBe('ignored');
    expect(d.config?.screenId).toBe('k1');
    ingest(d, 'k1', topics.feed('water', 'bath-1'), json(waterSnapshot('bath-1')));
    expect(d.feeds.water.has('bath-1')).toBe(true);
    const cfg = screenConfig('k1', {
      feeds: { transport: [], parking: [], water: [], events: [] },
      version: 2,
    });
    const o = ingest(d, 'k1', topics.screenConfig('k1'), json(cfg));
    expect(d.feeds.water.has('bath-1')).toBe(false);
    expect(o.cacheOps).toContainEqual({ op: 'remove', key: 'v1/feeds/water/bath-1' });
  });

  it('keeps feeds the config names, never an older observation, never a mismatched id', () => {
    const d = emptyData();
    ingest(d, 'k1', topics.screenConfig('k1'), json(screenConfig('k1')));
    expect(ingest(d, 'k1', topics.feed('water', 'other'), json(waterSnapshot('other'))).result).toBe(
      'ignored',
    );
    const t = Date.parse('2026-06-15T10:00:00Z');
    expect(ingest(d, 'k1', topics.feed('water', 'bath-1'), json(waterSnapshot('bath-1', t))).result).toBe(
      'changed',
    );
    expect(
      ingest(d, 'k1', topics.feed('water', 'bath-1'), json(waterSnapshot('bath-1', t - 1000))).result,
    ).toBe('same');
    expect(ingest(d, 'k1', topics.feed('water', 'bath-1'), json(waterSnapshot('bath-9', t))).result).toBe(
      'invalid',
    );
    expect(
      ingest(d, 'k1', topics.feed('water', 'bath-1'), json({ ...waterSnapshot('bath-1', t), waterTempC: 99 }))
        .result,
    ).toBe('invalid');
  });

  it('takes the retained campaign as the truth and deletes on an empty payload', () => {
    const d = emptyData();
    expect(ingest(d, 'k1', topics.campaign('c1'), json(textCampaign('c2'))).result).toBe('invalid');
    ingest(d, 'k1', topics.campaign('c1'), json(textCampaign('c1', { version: 5 })));
    expect(ingest(d, 'k1', topics.campaign('c1'), json(textCampaign('c1', { version: 2 }))).result).toBe(
      'changed',
    );
    expect(d.campaigns.get('c1')?.version).toBe(2);
    d.playable.set('c1', d.campaigns.get('c1')!);
    const del = ingest(d, 'k1', topics.campaign('c1'), Buffer.alloc(0));
    expect(del.result).toBe('changed');
    expect(d.campaigns.size + d.playable.size).toBe(0);
    expect(del.cacheOps.map((o) => o.key)).toEqual(['v1/campaigns/c1', 'local/playable/c1']);
    expect(ingest(d, 'k1', topics.campaign('c1'), Buffer.alloc(0)).result).toBe('same');
    expect(ingest(d, 'k1', 'v1/unknown/x', json({})).result).toBe('ignored');
  });
});
