import { describe, expect, it } from 'vitest';
import { IdSchema } from '../../protocol/index.ts';
import { slugify, uniqueId } from './ids.ts';

describe('ids', () => {
  it.each([
    ['Rådhuspladsen Nord', 'raadhuspladsen-nord'],
    ['Nørreport St.', 'noerreport-st'],
    ['Æblehaven', 'aeblehaven'],
    ['Straße 5', 'strasse-5'],
    ['Café  Élysée!!', 'cafe-elysee'],
    ['///+#', 'item'],
    ['', 'item'],
  ])('slugify(%j) = %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(IdSchema.safeParse(slug).success).toBe(true);
  });

  it('keeps slugs short and without a trailing dash', () => {
    const s = slugify(`${'a'.repeat(39)} b c`);
    expect(s.length).toBeLessThanOrEqual(40);
    expect(s.endsWith('-')).toBe(false);
  });

  it('uniqueId avoids taken ids and always yields topic-safe ids', () => {
    const taken = new Set(['jazz']);
    expect(uniqueId('Jazz', (id) => taken.has(id))).toMatch(/^jazz-[a-z0-9]{6}$/);
    expect(uniqueId('Rock', (id) => taken.has(id))).toBe('rock');
    expect(uniqueId('Rock', () => false, true)).toMatch(/^rock-[a-z0-9]{6}$/);
    for (let i = 0; i < 50; i++)
      expect(IdSchema.safeParse(uniqueId('Ø / + #', () => false, true)).success).toBe(true);
  });
});
