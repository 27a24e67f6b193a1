import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, ctxAt } from '../testing.ts';
import { contentHash } from '../util.ts';
import { demoParking, demoTransport, demoWater } from './demo.ts';

const demo = (f: string) => readFileSync(path.join(REPO_ROOT, 'content/demo', f));

describe('demo transport (content/demo/transport.json)', () => {
  const times = [
    '2026-06-15T10:07:31Z', // a summer morning
    '2026-03-29T00:30:00Z', // the spring DST change night (02:00 -> 03:00 local)
    '2026-10-25T01:30:00Z', // the autumn DST change night
    '2026-12-31T22:59:59Z', // just before midnight local
  ];
  for (const t of times) {
    it(`has departures ahead of the clock at ${t}`, () => {
      const r = demoTransport.parse({ main: demo('transport.json') }, ctxAt(t, { source: 'demo-transport' }));
      expect(r.snapshots.map((s) => s.stopId)).toEqual(['raadhuspladsen', 'nyhavn']);
      for (const s of r.snapshots) {
        expect(s.demo).toBe(true);
        expect(s.departures.length).toBeGreaterThanOrEqual(5);
        expect(s.departures.length).toBeLessThanOrEqual(12);
        for (const d of s.departures) {
          const when = Date.parse(d.expectedAt ?? d.plannedAt);
          expect(when).toBeGreaterThanOrEqual(Date.parse(t) - 60_000);
          expect(when).toBeLessThanOrEqual(Date.parse(t) + 61 * 60_000);
          if (d.expectedAt)
            expect((Date.parse(d.expectedAt) - Date.parse(d.plannedAt)) / 1000).toBe(d.delayS);
        }
        const order = s.departures.map((d) => Date.parse(d.expectedAt ?? d.plannedAt));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    });
  }

  it('is a pure function of the minute, so change detection can skip identical polls', () => {
    const a = demoTransport.parse({ main: demo('transport.json') }, ctxAt('2026-06-15T10:07:01Z'));
    const b = demoTransport.parse({ main: demo('transport.json') }, ctxAt('2026-06-15T10:07:44Z'));
    const c = demoTransport.parse({ main: demo('transport.json') }, ctxAt('2026-06-15T10:12:00Z'));
    expect(a.snapshots.map(contentHash)).toEqual(b.snapshots.map(contentHash));
    expect(a.snapshots.map(contentHash)).not.toEqual(c.snapshots.map(contentHash));
  });

  it('refuses a template that breaks the schema with a clear message', () => {
    const bad = Buffer.from(JSON.stringify({ format: 'stander-demo-transport', stops: [{ id: 'a b' }] }));
    expect(() => demoTransport.parse({ main: bad }, ctxAt('2026-06-15T10:00:00Z'))).toThrow(
      /demo transport template: stops\.0\.id/,
    );
  });
});

describe('demo parking and water', () => {
  it('gives occupancy that follows the day, in 5-minute steps', () => {
    const at = (t: string) => demoParking.parse({ main: demo('parking.json') }, ctxAt(t)).snapshots;
    const night = at('2026-06-16T01:00:00Z');
    const day = at('2026-06-16T11:00:00Z');
    expect(night.map((s) => s.zoneId)).toEqual([
      'israels-plads',
      'industriens-hus',
      'nyhavn-street',
      'fisketorvet',
    ]);
    for (let i = 0; i < night.length; i++) {
      expect(day[i]!.occupancy).toBeGreaterThan(night[i]!.occupancy);
      expect(day[i]!.free).toBeLessThanOrEqual(day[i]!.total);
    }
    expect(night[0]).toMatchObject({
      total: 480,
      demo: true,
      observedAt: '2026-06-16T03:00:00+02:00',
      status: 'open',
    });
    expect(at('2026-06-16T11:04:59Z').map(contentHash)).toEqual(day.map(contentHash));
  });

  it('gives harbour temperatures for the season, hourly', () => {
    const at = (t: string) => demoWater.parse({ main: demo('water.json') }, ctxAt(t)).snapshots;
    const feb = at('2027-02-10T12:00:00Z');
    const aug = at('2026-08-03T14:20:00Z');
    expect(feb.map((s) => s.siteId)).toEqual(['islands-brygge', 'fisketorvet', 'sandkaj']);
    for (const s of feb) expect(s.waterTempC).toBeLessThan(6);
    for (const s of aug) expect(s.waterTempC).toBeGreaterThan(17);
    expect(aug[0]).toMatchObject({
      quality: 'good',
      observedAt: '2026-08-03T16:00:00+02:00',
      location: { lat: 55.6693, lon: 12.577 },
    });
  });
});
