import { describe, expect, it } from 'vitest';
import { TransportSnapshotSchema } from '../../../protocol/index.ts';
import { ctxAt, fixture } from '../testing.ts';
import { FeedParseError } from '../types.ts';
import { rejseplanenJson, rejseplanenLegacy, rejseplanenXml } from './rejseplanen.ts';

const API2_XML = 'transport/rejseplanen/departure-board-roskilde-api2.xml';
const API1_JSON = 'transport/rejseplanen/departure-board-hovedbanegaarden-api1.json';
const ctx = ctxAt('2025-05-23T09:13:00Z');

describe('Rejseplanen API 2.0 XML (real Roskilde St. board)', () => {
  const { snapshots, warnings } = rejseplanenXml.parse({ main: fixture(API2_XML) }, ctx);
  const board = snapshots[0]!;

  it('reads one stop with all 16 departures', () => {
    expect(snapshots).toHaveLength(1);
    expect(warnings).toEqual([]);
    expect(board.stopId).toBe('8600617');
    expect(board.stopName).toBe('Roskilde St.');
    expect(board.location).toEqual({ lat: 55.639093, lon: 12.08855 });
    expect(board.departures).toHaveLength(16);
    expect(board.observedAt).toBe('2025-05-23T11:12:39+02:00');
    expect(TransportSnapshotSchema.safeParse(board).success).toBe(true);
  });

  it('gives line, planned and expected time (Danish local, with offset), delay and track', () => {
    expect(board.departures[0]).toMatchObject({
      line: 'Re 54541',
      mode: 'train',
      direction: 'Holbæk St.',
      plannedAt: '2025-05-23T11:10:00+02:00',
      expectedAt: '2025-05-23T11:12:00+02:00',
      delayS: 120,
      track: '1',
      cancelled: false,
    });
    // Re 51541: 11 minutes late and moved from track 1 to track 2 (rtTrack wins).
    const re51541 = board.departures.find((d) => d.line === 'Re 51541')!;
    expect(re51541).toMatchObject({ delayS: 660, track: '2', expectedAt: '2025-05-23T11:32:00+02:00' });
    // Lokaltog: the product's own line number, no real-time time in the file.
    const local = board.departures.find((d) => d.direction === 'Rødvig')!;
    expect(local).toMatchObject({ line: '210R', mode: 'train', track: '7', expectedAt: null, delayS: null });
    expect(board.departures.filter((d) => d.expectedAt !== null)).toHaveLength(3);
  });

  it('publishes under a configured stop id and name', () => {
    const r = rejseplanenXml.parse(
      { main: fixture(API2_XML) },
      ctxAt('2025-05-23T09:13:00Z', { options: { stopId: 'roskilde', stopName: 'Roskilde Station' } }),
    );
    expect(r.snapshots.map((s) => [s.stopId, s.stopName, s.departures.length])).toEqual([
      ['roskilde', 'Roskilde Station', 16],
    ]);
  });

  it('refuses truncated XML, an unknown namespace, an empty file and a 50 MB file with a clear error', () => {
    const xml = fixture(API2_XML).toString('utf8');
    expect(() => rejseplanenXml.parse({ main: Buffer.from(xml.slice(0, 20_000)) }, ctx)).toThrow(
      /malformed XML/,
    );
    const foreign = xml.replace('http://hacon.de/hafas/proxy/hafas-proxy', 'urn:example:timetable');
    expect(() => rejseplanenXml.parse({ main: Buffer.from(foreign) }, ctx)).toThrow(
      /unknown namespace urn:example:timetable/,
    );
    expect(() => rejseplanenXml.parse({ main: new Uint8Array(0) }, ctx)).toThrow(/empty input/);
    const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
    const t0 = performance.now();
    expect(() => rejseplanenXml.parse({ main: big }, ctx)).toThrow(FeedParseError);
    expect(() => rejseplanenXml.parse({ main: big }, ctx)).toThrow(/50\.0 MB, over the limit of 10 MB/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('older Rejseplanen REST API JSON (real Københavns Hovedbanegård board)', () => {
  it('groups the 20 departures by stop point and reads dd.mm.yy / HH:MM as Danish local time', () => {
    const { snapshots } = rejseplanenLegacy.parse({ main: fixture(API1_JSON) }, ctx);
    expect(snapshots.reduce((n, s) => n + s.departures.length, 0)).toBe(20);
    expect(snapshots).toHaveLength(7);
    const tivoli = snapshots.find((s) => s.stopName === 'Hovedbanegården, Tivoli (Bernstorffsgade)')!;
    expect(tivoli.stopId).toBe('Hovedbanegaarden-Tivoli-Bernstorffsgade');
    expect(tivoli.departures).toHaveLength(8);
    expect(tivoli.departures[0]).toMatchObject({
      line: '2A',
      mode: 'bus',
      direction: 'Tingbjerg Gavlhusvej',
      plannedAt: '2016-09-09T14:49:00+02:00',
      expectedAt: '2016-09-09T15:06:00+02:00',
      delayS: 1020,
      track: null,
    });
    const central = snapshots.find((s) => s.stopName === 'København H')!;
    expect(central.departures.map((d) => [d.line, d.mode, d.track])).toEqual([
      ['RE 2065', 'train', '1'],
      ['Re 4557', 'train', '7'],
      ['C', 's-train', '12'],
      ['C', 's-train', '9-10'],
    ]);
  });

  it('publishes the whole board under a configured stop id', () => {
    const r = rejseplanenLegacy.parse(
      { main: fixture(API1_JSON) },
      ctxAt('2016-09-09T12:50:00Z', { options: { stopId: 'hovedbanegaarden', stopName: 'København H' } }),
    );
    expect(r.snapshots).toHaveLength(1);
    expect(r.snapshots[0]!.departures).toHaveLength(20);
    expect(r.snapshots[0]!.departures[0]!.plannedAt).toBe('2016-09-09T14:49:00+02:00');
  });

  it('reads a board with a single departure given as an object, not an array', () => {
    const doc = JSON.parse(fixture(API1_JSON).toString('utf8'));
    doc.DepartureBoard.Departure = doc.DepartureBoard.Departure[1];
    const r = rejseplanenLegacy.parse({ main: Buffer.from(JSON.stringify(doc)) }, ctx);
    expect(r.snapshots).toHaveLength(1);
    expect(r.snapshots[0]!.departures).toEqual([
      expect.objectContaining({
        line: 'RE 2065',
        plannedAt: '2016-09-09T14:52:00+02:00',
        delayS: 540,
        track: '1',
      }),
    ]);
  });

  it('gives an empty board for a configured stop with no departures, and an error for a service error', () => {
    const empty = Buffer.from(JSON.stringify({ DepartureBoard: { noNamespaceSchemaLocation: 'x' } }));
    const r = rejseplanenLegacy.parse(
      { main: empty },
      ctxAt('2016-09-09T12:50:00Z', { options: { stopId: 'x1' } }),
    );
    expect(r.snapshots.map((s) => [s.stopId, s.departures.length])).toEqual([['x1', 0]]);
    const err = Buffer.from(JSON.stringify({ DepartureBoard: { error: 'No station found' } }));
    expect(() => rejseplanenLegacy.parse({ main: err }, ctx)).toThrow(/error No station found/);
    expect(() => rejseplanenLegacy.parse({ main: Buffer.from('{"DepartureBoard": {"Dep') }, ctx)).toThrow(
      /not valid JSON/,
    );
  });
});

describe('Rejseplanen API 2.0 JSON (constructed sample of the documented HAFAS REST shape)', () => {
  const sample = {
    serverVersion: '2.49.1',
    planRtTs: '2025-05-23T11:12:39+02:00',
    Departure: [
      {
        name: 'Bus 5C',
        type: 'ST',
        stop: 'Rådhuspladsen (H.C. Andersens Boulevard)',
        stopExtId: '1550',
        lat: 55.6757,
        lon: 12.569,
        time: '23:58:00',
        date: '2025-05-23',
        rtTime: '00:03:00',
        rtDate: '2025-05-24',
        direction: 'Københavns Lufthavn',
        ProductAtStop: { name: 'Bus 5C', line: '5C', catOut: 'Bus', cls: '32' },
        JourneyDetailRef: { ref: '1|5C|x' },
      },
      {
        name: 'Metro M3',
        type: 'ST',
        stop: 'Rådhuspladsen St. (Metro)',
        stopExtId: '8603308',
        time: '11:20:00',
        date: '2025-05-23',
        cancelled: true,
        direction: 'Cityringen',
        Product: [{ name: 'Metro M3', catOut: 'M', cls: '1024' }],
        rtPlatform: { type: 'PL', text: '2' },
      },
    ],
  };

  it('handles a delay across midnight, cancellations, Product arrays and platform objects', () => {
    const r = rejseplanenJson.parse(
      { main: Buffer.from(JSON.stringify(sample)) },
      ctxAt('2025-05-23T09:13:00Z', { options: { stopId: 'raadhuspladsen', stopName: 'Rådhuspladsen' } }),
    );
    const [board] = r.snapshots;
    expect(board!.departures).toEqual([
      {
        line: 'M3',
        mode: 'metro',
        direction: 'Cityringen',
        plannedAt: '2025-05-23T11:20:00+02:00',
        expectedAt: null,
        delayS: null,
        track: '2',
        cancelled: true,
      },
      {
        line: '5C',
        mode: 'bus',
        direction: 'Københavns Lufthavn',
        plannedAt: '2025-05-23T23:58:00+02:00',
        expectedAt: '2025-05-24T00:03:00+02:00',
        delayS: 300,
        track: null,
        cancelled: false,
        tripId: '1|5C|x',
      },
    ]);
  });
});
