import { describe, expect, it } from 'vitest';
import { EventsSnapshotSchema } from '../../../protocol/index.ts';
import { ctxAt } from '../testing.ts';
import { jsonLdAdapter } from './jsonld.ts';

/* CONSTRUCTED samples of schema.org Event JSON-LD as event sites embed it (no real file in the fixtures). */

const graph = {
  '@context': 'https://schema.org',
  '@graph': [
    { '@type': 'WebSite', name: 'Kulturkalender' },
    {
      '@type': 'MusicEvent',
      '@id': 'https://example.org/events/jazz-42',
      name: [
        { '@language': 'da', '@value': 'Jazz på havnen' },
        { '@language': 'en', '@value': 'Jazz by the harbour' },
      ],
      startDate: '2025-07-05T19:30:00+02:00',
      endDate: '2025-07-05T22:00:00+02:00',
      location: {
        '@type': 'Place',
        name: 'Nyhavn 17',
        address: { '@type': 'PostalAddress', streetAddress: 'Nyhavn 17', addressLocality: 'København K' },
        geo: { '@type': 'GeoCoordinates', latitude: 55.6796, longitude: '12.5899' },
      },
      url: 'https://example.org/events/jazz-42',
      description: 'Live jazz.',
    },
    {
      '@type': ['Event', 'Festival'],
      name: 'Distortion',
      inLanguage: 'da',
      startDate: '2025-07-02',
      endDate: '2025-07-06',
      location: 'Nørrebro',
      keywords: 'festival, street party',
    },
    {
      '@type': 'Event',
      name: 'Aflyst koncert',
      startDate: '2025-07-03T20:00:00+02:00',
      eventStatus: 'https://schema.org/EventCancelled',
    },
    { '@type': 'Event', name: 'No start' },
  ],
};

describe('schema.org Event JSON-LD (constructed samples)', () => {
  it('reads @graph events with languages, places, dates, skips cancelled and incomplete ones', () => {
    const r = jsonLdAdapter.parse(
      { main: Buffer.from(JSON.stringify(graph)) },
      ctxAt('2025-07-01T00:00:00Z', { lang: 'en', options: { area: 'copenhagen' } }),
    );
    const s = r.snapshots[0]!;
    expect(EventsSnapshotSchema.safeParse(s).success).toBe(true);
    expect(s.area).toBe('copenhagen');
    expect(r.warnings).toEqual(['event 4: no startDate, skipped']);
    expect(s.events).toEqual([
      {
        id: 'event#2025-07-02T00:00:00+02:00',
        title: { da: 'Distortion' },
        start: '2025-07-02T00:00:00+02:00',
        end: '2025-07-07T00:00:00+02:00',
        allDay: true,
        venue: 'Nørrebro',
        location: null,
        category: 'festival',
        url: null,
      },
      {
        id: 'https://example.org/events/jazz-42',
        title: { da: 'Jazz på havnen', en: 'Jazz by the harbour' },
        description: { en: 'Live jazz.' },
        start: '2025-07-05T19:30:00+02:00',
        end: '2025-07-05T22:00:00+02:00',
        allDay: false,
        venue: 'Nyhavn 17, København K',
        location: { lat: 55.6796, lon: 12.5899 },
        category: 'MusicEvent',
        url: 'https://example.org/events/jazz-42',
      },
    ]);
  });

  it('reads ld+json blocks from an HTML page', () => {
    const html = `<!doctype html><html><head><script type="application/ld+json">${JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'Event',
      name: 'Loppemarked',
      startDate: '2025-07-05T08:00',
    })}</script></head><body></body></html>`;
    const r = jsonLdAdapter.parse({ main: Buffer.from(html) }, ctxAt('2025-07-01T00:00:00Z', { lang: 'da' }));
    expect(r.snapshots[0]!.events.map((e) => [e.title, e.start])).toEqual([
      [{ da: 'Loppemarked' }, '2025-07-05T08:00:00+02:00'],
    ]);
  });

  it('refuses documents without events and broken JSON', () => {
    const ctx = ctxAt('2025-07-01T00:00:00Z');
    expect(() =>
      jsonLdAdapter.parse({ main: Buffer.from('{"@context":"https://schema.org","@type":"Place"}') }, ctx),
    ).toThrow(/no object of @type Event/);
    expect(() =>
      jsonLdAdapter.parse({ main: Buffer.from('{"@context": "https://schema.org", "@type": "Ev') }, ctx),
    ).toThrow(/not valid JSON/);
    expect(() => jsonLdAdapter.parse({ main: Buffer.from('<html><body>none</body></html>') }, ctx)).toThrow(
      /without <script/,
    );
  });
});
