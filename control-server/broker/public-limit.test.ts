import { describe, expect, it } from 'vitest';
import { PublicLimiter } from './public-limit.ts';

describe('PublicLimiter', () => {
  it('allows a bounded number of open connections per address and frees a slot on release', () => {
    const l = new PublicLimiter({ maxConnectionsPerAddress: 2 });
    const a = l.connect('1.2.3.4');
    const b = l.connect('1.2.3.4');
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(l.connect('1.2.3.4')).toBeNull();
    expect(l.connect('5.6.7.8')).not.toBeNull();
    a?.();
    a?.(); // idempotent: does not free a second slot
    expect(l.openFrom('1.2.3.4')).toBe(1);
    expect(l.connect('1.2.3.4')).not.toBeNull();
    expect(l.connect('1.2.3.4')).toBeNull();
  });

  it('limits subscriptions per connection with a refilling bucket', () => {
    let now = 0;
    const l = new PublicLimiter({ subscribesPerSecond: 2, subscribeBurst: 3, now: () => now });
    const c1 = {};
    const c2 = {};
    expect([l.subscribe(c1), l.subscribe(c1), l.subscribe(c1), l.subscribe(c1)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(l.subscribe(c2)).toBe(true); // another connection has its own bucket
    now = 500; // half a second at 2/s = one token
    expect(l.subscribe(c1)).toBe(true);
    expect(l.subscribe(c1)).toBe(false);
    now = 60_000; // refills to the burst, never above
    expect([l.subscribe(c1), l.subscribe(c1), l.subscribe(c1), l.subscribe(c1)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
