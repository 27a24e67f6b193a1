import { describe, expect, it } from 'vitest';
import { formatRoute, handoffUrl, parseRoute } from './handoff.ts';

describe('mobile routes', () => {
  it('round-trips every view with ids and language', () => {
    for (const r of [
      { view: 'home', id: null, sub: null, lang: null },
      { view: 'transport', id: 'nyhavn', sub: null, lang: 'en' },
      { view: 'water', id: 'islands-brygge', sub: null, lang: 'de' },
      { view: 'parking', id: 'zone a', sub: null, lang: 'da' },
      { view: 'events', id: 'copenhagen', sub: 'ev/1#x', lang: null },
      { view: 'map', id: null, sub: null, lang: 'en' },
    ] as const) {
      expect(parseRoute(formatRoute(r))).toEqual(r);
    }
  });

  it('treats unknown views, bad languages and broken escapes calmly', () => {
    expect(parseRoute('#/admin/x')).toEqual({ view: 'home', id: null, sub: null, lang: null });
    expect(parseRoute('#/water/%E0%A4%A?lang=xx1').lang).toBeNull();
    expect(parseRoute('#/water/%E0%A4%A').id).toBeNull();
    expect(parseRoute('')).toEqual({ view: 'home', id: null, sub: null, lang: null });
  });

  it('builds hand-off URLs only from an http(s) base, without query or fragment of the base', () => {
    const r = { view: 'transport', id: 'nyhavn', sub: null, lang: 'da' } as const;
    expect(handoffUrl('https://city.example/m', r)).toBe('https://city.example/m/#/transport/nyhavn?lang=da');
    expect(handoffUrl('https://city.example/m/?screen=s1#x', r)).toBe(
      'https://city.example/m/#/transport/nyhavn?lang=da',
    );
    expect(handoffUrl('javascript:alert(1)', r)).toBeNull();
    expect(handoffUrl('', r)).toBeNull();
    expect(handoffUrl(undefined, r)).toBeNull();
  });
});
