import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { describe, expect, it } from 'vitest';
import { ctxAt, fixture } from '../testing.ts';
import { decodeRealtime, gtfsAdapter, modeOfRouteType } from './gtfs.ts';

const rt = GtfsRealtimeBindings.transit_realtime;
const STATIC = fixture('transport/gtfs/bullrunner-gtfs.zip');
const VEHICLES = fixture('transport/gtfs/bullrunner-vehicle-positions.pb');
// Monday 2016-01-18, 12:00 in Tampa (EST, UTC-5): services "Mo" run, trips are frequency-based.
const NOON = '2016-01-18T17:00:00Z';
const library = { stops: [{ id: 'usf-library', gtfsStopId: '102' }], windowMinutes: 60, maxDepartures: 100 };

/** A constructed GTFS-Realtime TripUpdates message for the real Bull Runner static feed. */
function tripUpdates(): Uint8Array {
  const msg = rt.FeedMessage.create({
    header: { gtfsRealtimeVersion: '2.0', timestamp: Date.parse('2016-01-18T16:59:30Z') / 1000 },
    entity: [
      {
        // Route A, the 12:00 run of frequency trip 1: 2 minutes late at the Library (stop 102).
        id: 'a-1200',
        tripUpdate: {
          trip: { tripId: '1', startTime: '12:00:00', startDate: '20160118' },
          stopTimeUpdate: [{ stopId: '102', departure: { delay: 120 } }],
        },
      },
      {
        // Route A, the 12:10 run: 90 s late at stop 214 (sequence 3); the delay propagates to stop 102.
        id: 'a-1210',
        tripUpdate: {
          trip: { tripId: '1', startTime: '12:10:00', startDate: '20160118' },
          stopTimeUpdate: [{ stopSequence: 3, stopId: '214', departure: { delay: 90 } }],
        },
      },
      {
        // Route E, the 12:00 run of trip 11: cancelled.
        id: 'e-1200',
        tripUpdate: {
          trip: {
            tripId: '11',
            startTime: '12:00:00',
            startDate: '20160118',
            scheduleRelationship: rt.TripDescriptor.ScheduleRelationship.CANCELED,
          },
        },
      },
      {
        // Route F, the 11:40 run of trip 13: skips the Library.
        id: 'f-1140',
        tripUpdate: {
          trip: { tripId: '13', startTime: '11:40:00', startDate: '20160118' },
          stopTimeUpdate: [
            {
              stopId: '102',
              scheduleRelationship: rt.TripUpdate.StopTimeUpdate.ScheduleRelationship.SKIPPED,
            },
          ],
        },
      },
    ],
  });
  return rt.FeedMessage.encode(msg).finish();
}

describe('GTFS static (real Bull Runner feed)', () => {
  it('expands frequency-based trips into the 30 planned departures at the Library in the next hour', () => {
    const { snapshots } = gtfsAdapter.parse({ main: STATIC }, ctxAt(NOON, { options: library }));
    expect(snapshots).toHaveLength(1);
    const s = snapshots[0]!;
    expect(s.stopId).toBe('usf-library');
    expect(s.stopName).toBe('Library LIB');
    expect(s.location).toEqual({ lat: 28.0592066452, lon: -82.4130123854 });
    expect(s.departures).toHaveLength(30);
    // Trip 11 (route E) reaches stop 102 587 s after its start; its 11:50 run passes at 11:59:47 EST.
    expect(s.departures[0]).toMatchObject({
      line: 'E',
      mode: 'bus',
      direction: 'Gold Campus Loop',
      plannedAt: '2016-01-18T17:59:47+01:00',
      expectedAt: null,
      delayS: null,
      cancelled: false,
    });
    expect(s.departures.filter((d) => d.line === 'A').map((d) => d.plannedAt.slice(11, 19))).toEqual([
      '18:02:56',
      '18:12:56',
      '18:22:56',
      '18:32:56',
      '18:42:56',
      '18:52:56',
    ]);
  });

  it('finds no service on a date outside the calendar', () => {
    const r = gtfsAdapter.parse({ main: STATIC }, ctxAt('2021-06-07T16:00:00Z', { options: library }));
    expect(r.snapshots[0]!.departures).toEqual([]);
  });
});

describe('GTFS-Realtime TripUpdates joined on trip, stop and route', () => {
  it('applies delays (exact and propagated), cancellations and skipped stops', () => {
    const { snapshots } = gtfsAdapter.parse(
      { main: STATIC, realtime: tripUpdates() },
      ctxAt(NOON, { options: library }),
    );
    const s = snapshots[0]!;
    expect(s.observedAt).toBe('2016-01-18T17:59:30+01:00');
    const at = (line: string, hhmmss: string) =>
      s.departures.find((d) => d.line === line && d.plannedAt.slice(11, 19) === hhmmss)!;
    expect(at('A', '18:02:56')).toMatchObject({
      expectedAt: '2016-01-18T18:04:56+01:00',
      delayS: 120,
      cancelled: false,
    });
    expect(at('A', '18:12:56')).toMatchObject({ expectedAt: '2016-01-18T18:14:26+01:00', delayS: 90 });
    expect(at('A', '18:22:56')).toMatchObject({ expectedAt: null, delayS: null });
    // Trip 11 started 12:00 EST reaches the Library at 12:09:47.
    expect(at('E', '18:09:47')).toMatchObject({ cancelled: true });
    // Trip 13 started 11:40 EST would pass at 12:02:02.
    expect(at('F', '18:02:02')).toMatchObject({ cancelled: true });
    expect(s.departures.filter((d) => d.cancelled)).toHaveLength(2);
  });

  it('accepts the real VehiclePositions feed, with planned times only and a warning', () => {
    const r = gtfsAdapter.parse({ main: STATIC, realtime: VEHICLES }, ctxAt(NOON, { options: library }));
    expect(r.snapshots[0]!.departures).toHaveLength(30);
    expect(r.snapshots[0]!.departures.every((d) => d.expectedAt === null)).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/no TripUpdates \(\d+ vehicle positions\)/);
    expect(decodeRealtime(VEHICLES).entity.length).toBeGreaterThan(0);
  });

  it('refuses invalid protobuf, an empty realtime file and a zip that is not GTFS with a clear error', () => {
    const garbage = Buffer.from('this is not a protobuf message at all, just some text \u00ff\u00fe');
    expect(() =>
      gtfsAdapter.parse({ main: STATIC, realtime: garbage }, ctxAt(NOON, { options: library })),
    ).toThrow(/GTFS-Realtime: not a valid FeedMessage/);
    expect(() => gtfsAdapter.parse({ main: STATIC, realtime: new Uint8Array(0) }, ctxAt(NOON))).toThrow(
      /GTFS-Realtime: empty input/,
    );
    expect(() => gtfsAdapter.parse({ main: Buffer.from('PK\u0003\u0004 broken') }, ctxAt(NOON))).toThrow(
      /GTFS static: not a readable zip/,
    );
    expect(() => gtfsAdapter.parse({ main: new Uint8Array(0) }, ctxAt(NOON))).toThrow(
      /GTFS static: empty input/,
    );
  });

  it('maps basic and extended route types to modes', () => {
    expect([0, 1, 2, 3, 4, 109, 401, 700, 900, 1000, 7].map(modeOfRouteType)).toEqual([
      'tram',
      'metro',
      'train',
      'bus',
      'ferry',
      's-train',
      'metro',
      'bus',
      'tram',
      'ferry',
      'other',
    ]);
  });
});
