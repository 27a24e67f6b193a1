import { describe, expect, it } from 'vitest';
import en from '../../../content/i18n/en.json' with { type: 'json' };
import { cachedT, createI18n } from './i18n.ts';
import { formatNumber, formatTemp } from './lib/time.ts';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('cached translations', () => {
  it('give exactly what i18next gives, for every key, language and interpolation', () => {
    const plain = createI18n();
    const opts = {
      id: 'scr-1',
      line: '2A',
      min: 3,
      temp: '19.4 °C',
      free: 12,
      name: 'Nyhavn',
      count: 2,
      url: 'x',
    };
    for (const lang of ['da', 'en', 'de']) {
      const want = plain.getFixedT(lang);
      const got = cachedT(lang);
      for (const k of keys(en)) {
        const key = k.replace(/_(one|other)$/, '');
        expect(got(key)).toBe(want(key));
        expect(got(key, opts)).toBe(want(key, opts));
        expect(got(key, { ...opts, count: 1 })).toBe(want(key, { ...opts, count: 1 }));
      }
    }
  });

  it('resolves a repeated call once, and passes uncacheable options straight through', () => {
    const inst = createI18n();
    // i18next's resolver, where every uncached call ends up.
    const translator = (inst as unknown as { translator: { translate: (...a: unknown[]) => unknown } })
      .translator;
    let resolved = 0;
    const orig = translator.translate.bind(translator);
    translator.translate = (...a: unknown[]) => {
      resolved++;
      return orig(...a);
    };
    try {
      expect(cachedT('de')).toBe(cachedT('de')); // one per language for the shared instance
      const t = cachedT('de', inst);
      const first = t('nav.events');
      for (let i = 0; i < 50; i++) expect(t('nav.events')).toBe(first);
      const line = t('home.nextDeparture', { line: '5C', min: 7 });
      expect(t('home.nextDeparture', { line: '5C', min: 7 })).toBe(line);
      expect(t('home.nextDeparture', { line: '5C', min: 8 })).not.toBe(line);
      expect(resolved).toBe(3);
      t('nav.events', { nested: { a: 1 } } as never);
      expect(resolved).toBe(4);
    } finally {
      translator.translate = orig;
    }
  });

  it('formats numbers per language with cached formatters', () => {
    expect(formatNumber(1234.5, 'da', 1)).toBe('1.234,5');
    expect(formatNumber(1234.5, 'en', 1)).toBe('1,234.5');
    expect(formatNumber(1234.5, 'da', 0)).toBe('1.235');
    expect(formatTemp(19.44, 'de')).toBe('19,4 °C');
  });
});
