import { describe, expect, it } from 'vitest';
import { WithdrawalLimiter } from './withdrawals.ts';

const policy = {
  cooldownMs: 10_000,
  maxCooldownMs: 80_000,
  screenBurst: 3,
  screenRefillMs: 10_000,
  globalBurst: 5,
  globalRefillMs: 1_000,
};

describe('WithdrawalLimiter', () => {
  it('publishes a campaign once per cool-down, however many screens report it', () => {
    const l = new WithdrawalLimiter(policy, 0);
    expect(l.decide('s1', 'a', 0)).toBe('publish');
    expect(l.decide('s2', 'a', 1)).toBe('cooldown');
    expect(l.decide('s1', 'a', 9_999)).toBe('cooldown');
    // Other campaigns are not held back by a's cool-down.
    expect(l.decide('s1', 'b', 9_999)).toBe('publish');
    expect(l.decide('s3', 'a', 10_000)).toBe('publish');
  });

  it('doubles the cool-down while the same campaign keeps coming back, up to the maximum', () => {
    const l = new WithdrawalLimiter({ ...policy, screenBurst: 100, globalBurst: 100 }, 0);
    const published: number[] = [];
    for (let t = 0; t <= 300_000; t += 1_000)
      if (l.decide('stubborn', 'a', t) === 'publish') published.push(t);
    // 0, +10 s, +20 s, +40 s, then the maximum of 80 s.
    expect(published).toEqual([0, 10_000, 30_000, 70_000, 150_000, 230_000]);
    expect(l.cooldownOf('a', 230_000)).toBe(80_000);
    expect(l.decide('other', 'a', 230_000 + 80_000 - 1)).toBe('cooldown');
    // Not withdrawn for twice the longest cool-down: starts again at the first one.
    expect(l.decide('other', 'a', 230_000 + 160_000)).toBe('publish');
    expect(l.cooldownOf('a', 390_000)).toBe(10_000);
  });

  it('limits what one screen can cause, and refills over time', () => {
    const l = new WithdrawalLimiter(policy, 0);
    expect(['x1', 'x2', 'x3', 'x4', 'x5'].map((id) => l.decide('liar', id, 0))).toEqual([
      'publish',
      'publish',
      'publish',
      'screen_limited',
      'screen_limited',
    ]);
    // Another screen still gets its withdrawals through.
    expect(l.decide('honest', 'real', 0)).toBe('publish');
    expect(l.decide('liar', 'x6', 9_999)).toBe('screen_limited');
    expect(l.decide('liar', 'x6', 10_000)).toBe('publish');
    expect(l.decide('liar', 'x7', 10_000)).toBe('screen_limited');
  });

  it('limits the total across screens', () => {
    const l = new WithdrawalLimiter({ ...policy, screenBurst: 100 }, 0);
    const out = Array.from({ length: 8 }, (_, i) => l.decide(`s${i}`, `c${i}`, 0));
    expect(out.filter((o) => o === 'publish')).toHaveLength(5);
    expect(out.slice(5)).toEqual(['global_limited', 'global_limited', 'global_limited']);
    // A refused decision takes no tokens and starts no cool-down: it goes out once there is room.
    expect(l.decide('s5', 'c5', 1_000)).toBe('publish');
    expect(l.decide('s6', 'c6', 1_000)).toBe('global_limited');
  });

  it('forgets expired cool-downs and full buckets', () => {
    const l = new WithdrawalLimiter(policy, 0);
    l.decide('s1', 'a', 0);
    l.decide('s2', 'b', 0);
    expect(l.tracked).toEqual({ campaigns: 2, screens: 2 });
    l.prune(5_000);
    expect(l.tracked).toEqual({ campaigns: 2, screens: 2 });
    l.prune(160_000);
    expect(l.tracked).toEqual({ campaigns: 0, screens: 0 });
  });
});
