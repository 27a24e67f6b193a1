import { describe, expect, it } from 'vitest';
import { freshnessOf, STALE_FACTOR } from './freshness.ts';

describe('freshnessOf', () => {
  const observedAt = '2026-05-23T12:00:00Z';
  const t0 = Date.parse(observedAt);
  const snap = { observedAt, ttlS: 60 };

  it('fresh up to ttl, stale up to ttl x STALE_FACTOR, expired after', () => {
    expect(freshnessOf(snap, t0)).toEqual({ state: 'fresh', ageS: 0 });
    expect(freshnessOf(snap, t0 + 60_000)).toEqual({ state: 'fresh', ageS: 60 });
    expect(freshnessOf(snap, t0 + 61_000)).toEqual({ state: 'stale', ageS: 61 });
    expect(freshnessOf(snap, t0 + 60_000 * STALE_FACTOR)).toEqual({
      state: 'stale',
      ageS: 60 * STALE_FACTOR,
    });
    expect(freshnessOf(snap, t0 + 60_000 * STALE_FACTOR + 1000).state).toBe('expired');
  });

  it('data from the future (a skewed source clock) counts as fresh with age 0', () => {
    expect(freshnessOf(snap, t0 - 3600_000)).toEqual({ state: 'fresh', ageS: 0 });
  });

  it('an unreadable time is expired, never fresh', () => {
    expect(freshnessOf({ observedAt: 'yesterday', ttlS: 60 }, t0)).toEqual({
      state: 'expired',
      ageS: Number.POSITIVE_INFINITY,
    });
  });

  it('honours offsets: the same instant written in two zones has the same age', () => {
    const a = freshnessOf({ observedAt: '2026-05-23T14:00:00+02:00', ttlS: 60 }, t0 + 30_000);
    const b = freshnessOf({ observedAt: '2026-05-23T12:00:00Z', ttlS: 60 }, t0 + 30_000);
    expect(a).toEqual(b);
    expect(a.ageS).toBe(30);
  });
});
