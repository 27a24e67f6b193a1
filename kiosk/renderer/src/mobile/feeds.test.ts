import { describe, expect, it } from 'vitest';
import { demoTransport, demoWater } from '../fixtures/demo-state.ts';
import {
  STORAGE_KEY,
  applyFeedMessage,
  emptyFeeds,
  loadFeeds,
  mobileState,
  newestObservation,
  saveFeeds,
} from './feeds.ts';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('mobile feed store', () => {
  const now = Date.parse('2026-06-01T10:00:00Z');
  const stop = Object.values(demoTransport(now))[0]!;
  const topic = `v1/feeds/transport/${stop.stopId}`;

  it('keeps valid snapshots, ignores invalid, foreign and older ones, and deletes on an empty payload', () => {
    let r = applyFeedMessage(emptyFeeds(), topic, enc(stop));
    expect(r.ignored).toBeNull();
    expect(r.feeds.transport[stop.stopId]?.stopName).toBe(stop.stopName);
    const held = r.feeds;
    expect(applyFeedMessage(held, topic, enc({ ...stop, departures: 'x' })).ignored).toMatch(/departures/);
    expect(applyFeedMessage(held, topic, new TextEncoder().encode('{not json')).ignored).toMatch(/not JSON/);
    expect(applyFeedMessage(held, 'v1/campaigns/c1', enc(stop)).ignored).toBe('not a feed topic');
    const older = { ...stop, observedAt: new Date(Date.parse(stop.observedAt) - 60_000).toISOString() };
    r = applyFeedMessage(held, topic, enc(older));
    expect(r.ignored).toMatch(/older/);
    expect(r.feeds).toBe(held);
    r = applyFeedMessage(held, topic, new Uint8Array(0));
    expect(r.feeds.transport).toEqual({});
  });

  it('saves and loads through storage, validating again and dropping what is broken', () => {
    const feeds = { ...emptyFeeds(), transport: { [stop.stopId]: stop }, water: demoWater(now) };
    const mem = new Map<string, string>();
    const storage = {
      getItem: (k: string) => mem.get(k) ?? null,
      setItem: (k: string, v: string) => void mem.set(k, v),
    };
    saveFeeds(storage, feeds);
    expect(loadFeeds(storage)).toEqual(feeds);
    const raw = JSON.parse(mem.get(STORAGE_KEY)!);
    raw.transport[stop.stopId].departures = 7;
    mem.set(STORAGE_KEY, JSON.stringify(raw));
    const loaded = loadFeeds(storage);
    expect(loaded.transport).toEqual({});
    expect(Object.keys(loaded.water)).toEqual(Object.keys(feeds.water));
    mem.set(STORAGE_KEY, '{broken');
    expect(loadFeeds(storage)).toEqual(emptyFeeds());
    expect(loadFeeds(null)).toEqual(emptyFeeds());
  });

  it('builds a state whose config lists every feed held, and finds the newest observation', () => {
    const feeds = { ...emptyFeeds(), transport: { [stop.stopId]: stop }, water: demoWater(now) };
    const s = mobileState(feeds, false, null);
    expect(s.config?.feeds.transport).toEqual([stop.stopId]);
    expect(s.config?.feeds.water).toEqual(Object.keys(feeds.water).sort());
    expect(s.connection.online).toBe(false);
    expect(s.source).toBe('cache');
    const all = [stop, ...Object.values(feeds.water)].map((x) => Date.parse(x.observedAt));
    expect(newestObservation(feeds)).toBe(Math.max(...all));
    expect(newestObservation(emptyFeeds())).toBeNull();
  });
});
