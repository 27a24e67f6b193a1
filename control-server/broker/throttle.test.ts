import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './throttle.ts';

describe('FailureThrottle', () => {
  it('blocks a key after maxFailures within the window, and lets it go after the window', () => {
    let now = 0;
    const t = new FailureThrottle(3, 1000, () => now);
    for (let i = 0; i < 2; i++) t.fail('1.2.3.4');
    expect(t.blocked('1.2.3.4')).toBe(false);
    t.fail('1.2.3.4');
    expect(t.blocked('1.2.3.4')).toBe(true);
    expect(t.blocked('5.6.7.8')).toBe(false);
    now = 1001;
    expect(t.blocked('1.2.3.4')).toBe(false);
  });

  it('forgets a key on success and stays bounded', () => {
    const t = new FailureThrottle(1, 1000, () => 0, 2);
    t.fail('a');
    expect(t.blocked('a')).toBe(true);
    t.succeed('a');
    expect(t.blocked('a')).toBe(false);
    t.fail('b');
    t.fail('c');
    t.fail('d');
    expect(t.blocked('b')).toBe(false); // dropped as the oldest
    expect(t.blocked('d')).toBe(true);
  });

  it('never blocks with maxFailures 0', () => {
    const t = new FailureThrottle(0, 1000, () => 0);
    t.fail('a');
    expect(t.blocked('a')).toBe(false);
  });
});
