import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClockJumpDetector } from './health.ts';
import {
  type AgentData,
  buildPlaylist,
  contentVersionOf,
  emptyData,
  feedView,
  wantedAssets,
  withoutDeparted,
  withoutEnded,
} from './model.ts';
import {
  assetOf,
  imageCampaign,
  screenConfig,
  textCampaign,
  transportSnapshot,
  waterSnapshot,
} from './testing/fixtures.ts';

const NOW = Date.parse('2026-06-15T10:00:00Z');
const url = (sha: string) => `/assets/${sha}`;

function data(): AgentData {
  const d = emptyData();
  d.config = screenConfig('k1');
  return d;
}

describe('playlist', () => {
  const a1 = assetOf(randomBytes(100));
  const a2 = assetOf(randomBytes(100));

  it('plays nothing without a config', () => {
    const d = emptyData();
    d.campaigns.set('c', textCampaign('c'));
    expect(buildPlaylist(d, () => true, NOW, url).items).toEqual([]);
  });

  it('plays a campaign only once all its assets are verified, the previous version meanwhile', () => {
    const d = data();
    const v1 = imageCampaign('c', a1, { version: 1 });
    const v2 = imageCampaign('c', a2, { version: 2 });
    d.campaigns.set('c', v2);
    // Nothing verified and no earlier version: nothing of it plays.
    expect(buildPlaylist(d, () => false, NOW, url).items).toEqual([]);
    d.playable.set('c', v1);
    const has1 = (s: string) => s === a1.sha256;
    const p = buildPlaylist(d, has1, NOW, url);
    expect(p.items.map((i) => [i.campaignVersion, i.slideIndex, i.assetUrl])).toEqual([
      [1, 0, `/assets/${a1.sha256}`],
      [1, 1, null],
    ]);
    const both = (s: string) => s === a1.sha256 || s === a2.sha256;
    expect(buildPlaylist(d, both, NOW, url).items[0]?.campaignVersion).toBe(2);
  });

  it('an emergency takes over at once with the slides that are ready', () => {
    const d = data();
    d.campaigns.set('n', textCampaign('n'));
    d.campaigns.set('e', imageCampaign('e', a1, { priority: 'emergency' }));
    const p = buildPlaylist(d, () => false, NOW, url);
    expect(p.emergency?.campaign.id).toBe('e');
    expect(p.emergency?.items.map((i) => i.slide.kind)).toEqual(['text']);
    expect(p.items.map((i) => i.campaignId)).toEqual(['n']);
    // An emergency with nothing ready yet does not blank the screen.
    d.campaigns.set(
      'e',
      textCampaign('e', { priority: 'emergency', slides: [{ kind: 'image', asset: a1, durationS: 5 }] }),
    );
    expect(buildPlaylist(d, () => false, NOW, url).emergency).toBeNull();
  });

  it('wants the assets of targeted, unfinished campaigns, emergencies first, and of what plays meanwhile', () => {
    const d = data();
    const a3 = assetOf(randomBytes(10));
    const a4 = assetOf(randomBytes(10));
    d.campaigns.set('n', imageCampaign('n', a1));
    d.campaigns.set('e', imageCampaign('e', a2, { priority: 'emergency' }));
    d.campaigns.set('over', imageCampaign('over', a3, { schedule: { end: '2026-06-01T00:00:00Z' } }));
    d.campaigns.set('elsewhere', imageCampaign('elsewhere', a3, { target: { groups: ['north'] } }));
    d.playable.set('n', imageCampaign('n', a4));
    expect(wantedAssets(d, NOW).map((a) => a.sha256)).toEqual([a2.sha256, a1.sha256, a4.sha256]);
  });

  it('fingerprints what it can play', () => {
    const d = data();
    expect(contentVersionOf(d, () => true)).toBe('none');
    d.campaigns.set('c', textCampaign('c'));
    const v1 = contentVersionOf(d, () => true);
    d.campaigns.set('c', textCampaign('c', { version: 2 }));
    expect(contentVersionOf(d, () => true)).not.toBe(v1);
    expect(contentVersionOf(d, () => true)).toMatch(/^1-[a-f0-9]{12}$/);
  });
});

describe('feeds', () => {
  it('drops departures that have left, by expected time when known', () => {
    const s = transportSnapshot('stop-1', NOW);
    expect(withoutDeparted(s, NOW).departures.map((d) => d.line)).toEqual(['5C', 'M3']);
    // 5C was planned at +3 but is expected at +4: still there at +3.5.
    expect(withoutDeparted(s, NOW + 3.5 * 60_000).departures.map((d) => d.line)).toEqual(['5C', 'M3']);
    expect(withoutDeparted(s, NOW + 4.5 * 60_000).departures.map((d) => d.line)).toEqual(['M3']);
    expect(withoutDeparted(s, NOW + 7 * 60_000).departures).toEqual([]);
  });

  it('drops events that have ended and keeps those without an end', () => {
    const ev = (id: string, end: string | null) => ({
      id,
      title: { en: id },
      start: '2026-06-15T08:00:00Z',
      end,
      allDay: false,
      venue: null,
      location: null,
      category: null,
      url: null,
    });
    const snap = {
      kind: 'events' as const,
      area: 'cph',
      events: [ev('over', '2026-06-15T09:00:00Z'), ev('on', '2026-06-15T12:00:00Z'), ev('open', null)],
      observedAt: new Date(NOW).toISOString(),
      fetchedAt: new Date(NOW).toISOString(),
      ttlS: 3600,
      source: 'test',
    };
    expect(withoutEnded(snap, NOW).events.map((e) => e.id)).toEqual(['on', 'open']);
  });

  it('shows only configured feeds, with their freshness, and reports missing ones', () => {
    const d = data();
    d.feeds.transport.set('stop-1', transportSnapshot('stop-1', NOW - 90_000, 60));
    d.feeds.water.set('bath-1', waterSnapshot('bath-1', NOW - 5 * 3600_000, 3600));
    d.feeds.water.set('unlisted', waterSnapshot('unlisted', NOW));
    const v = feedView(d, NOW);
    expect(Object.keys(v.feeds.water)).toEqual(['bath-1']);
    expect(v.freshness).toMatchObject({ transport: { 'stop-1': 'stale' }, water: { 'bath-1': 'expired' } });
    expect(v.health).toEqual([
      { kind: 'transport', id: 'stop-1', ageS: 90, state: 'stale' },
      { kind: 'water', id: 'bath-1', ageS: 18000, state: 'expired' },
    ]);
    d.feeds.water.delete('bath-1');
    expect(feedView(d, NOW).health).toContainEqual({
      kind: 'water',
      id: 'bath-1',
      ageS: null,
      state: 'missing',
    });
  });
});

describe('clock jump detection', () => {
  it('reports the largest jump of the wall clock against the monotonic clock', () => {
    let wall = 1_000_000;
    let mono = 0;
    const d = new ClockJumpDetector(
      2,
      () => wall,
      () => mono,
    );
    wall += 1000;
    mono += 1000;
    expect(d.check()).toBe(0);
    wall += 1000 + 3600_000; // NTP fixes a clock an hour behind
    mono += 1000;
    expect(d.check()).toBe(3600);
    wall += 1000 - 30_000;
    mono += 1000;
    expect(d.check()).toBe(-30);
    expect(d.take()).toBe(3600);
    expect(d.take()).toBe(0);
  });
});
