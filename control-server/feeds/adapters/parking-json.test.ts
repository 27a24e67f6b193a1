import { describe, expect, it } from 'vitest';
import { ctxAt, fixture } from '../testing.ts';
import { ckanAarhusAdapter, parkingListAdapter } from './parking-json.ts';

const ctx = ctxAt('2025-05-23T09:13:00Z');

describe('Aarhus CKAN datastore_search (real 2016-10-29 answer + real garage GeoJSON)', () => {
  const r = ckanAarhusAdapter.parse(
    { main: fixture('parking/json/aarhus.json'), locations: fixture('parking/json/aarhus-garages.geojson') },
    ctx,
  );

  it('reads 11 of 13 garages, dropping one without capacity and one with an impossible count', () => {
    expect(r.snapshots).toHaveLength(11);
    expect(r.warnings).toEqual([
      'BUSGADEHUSET: implausible count (6187 vehicles in 142 spaces), skipped',
      'DOKK1: total spaces is 0, skipped',
    ]);
  });

  it('computes free from totalSpaces - vehicleCount, reads the local date and joins locations by name', () => {
    const scand = r.snapshots.find((s) => s.zoneId === 'SCANDCENTER')!;
    expect(scand).toMatchObject({
      name: 'Scandinavian Center',
      total: 1240,
      free: 355,
      occupancy: 0.714,
      location: { lat: 56.151647, lon: 10.198423 },
      observedAt: '2016-10-29T17:30:04+02:00',
    });
    expect(r.snapshots.find((s) => s.zoneId === 'NORREPORT')).toMatchObject({
      name: 'Nørreport',
      free: 9,
      total: 65,
    });
    expect(r.snapshots.find((s) => s.zoneId === 'SKOLEBAKKEN')).toMatchObject({
      free: 0,
      total: 512,
      status: 'unknown',
    });
    expect(r.snapshots.filter((s) => s.location)).toHaveLength(8);
    expect(r.snapshots.find((s) => s.zoneId === 'Urban-Level-2-3')?.name).toBe('Urban Level 2+3');
  });

  it('refuses a CKAN error answer and a document that is not a datastore result', () => {
    expect(() =>
      ckanAarhusAdapter.parse({ main: Buffer.from('{"success": false, "error": {}}') }, ctx),
    ).toThrow(/success=false/);
    expect(() => ckanAarhusAdapter.parse({ main: Buffer.from('{"result": {}}') }, ctx)).toThrow(
      /no result.records/,
    );
  });
});

describe('Basel parking JSON list (real)', () => {
  it('reads 16 sites and skips the placeholder without data', () => {
    const r = parkingListAdapter.parse({ main: fixture('parking/json/basel.json') }, ctx);
    expect(r.snapshots).toHaveLength(16);
    expect(r.warnings).toEqual(['site-8: no total or free spaces, skipped']);
    expect(r.snapshots[0]).toMatchObject({
      zoneId: 'badbahnhof',
      name: 'Bad. Bahnhof',
      total: 750,
      free: 286,
      occupancy: 0.619,
      location: { lat: 47.5651794, lon: 7.6089067 },
      observedAt: '2024-07-28T14:06:00+02:00',
    });
  });
});
