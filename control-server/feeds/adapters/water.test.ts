import { describe, expect, it } from 'vitest';
import { WaterSnapshotSchema } from '../../../protocol/index.ts';
import { ctxAt } from '../testing.ts';
import { bathingWaterAdapter, dmiOceanObsAdapter, qualityOf } from './water.ts';

/*
 * No real water-temperature response could be recorded for the fixtures (see ../shared/fixtures/README.md),
 * so these samples are CONSTRUCTED from the documented shapes: DMI's OGC API Features `oceanObs` items and
 * the Danish bathing-water service's beach list.
 */

const dmiSample = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [12.5772, 55.6691] },
      properties: { observed: '2025-07-14T09:50:00Z', parameterId: 'tw', stationId: '30336', value: 18.4 },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [12.5772, 55.6691] },
      properties: { observed: '2025-07-14T10:00:00Z', parameterId: 'tw', stationId: '30336', value: 18.62 },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [12.5772, 55.6691] },
      properties: {
        observed: '2025-07-14T10:00:00Z',
        parameterId: 'sealev_dvr',
        stationId: '30336',
        value: 0.12,
      },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [12.6, 55.71] },
      properties: { observed: '2025-07-14T10:00:00Z', parameterId: 'tw', stationId: '30357', value: 17.1 },
    },
  ],
  numberReturned: 4,
};

describe('DMI oceanObs GeoJSON, parameter tw (constructed sample)', () => {
  it('keeps the latest tw observation per station and ignores other parameters', () => {
    const r = dmiOceanObsAdapter.parse(
      { main: Buffer.from(JSON.stringify(dmiSample)) },
      ctxAt('2025-07-14T10:05:00Z'),
    );
    expect(r.snapshots).toHaveLength(2);
    expect(r.snapshots[0]).toMatchObject({
      kind: 'water',
      siteId: 'dmi-30336',
      name: 'DMI 30336',
      location: { lat: 55.6691, lon: 12.5772 },
      waterTempC: 18.6,
      airTempC: null,
      quality: 'unknown',
      observedAt: '2025-07-14T12:00:00+02:00',
    });
    for (const s of r.snapshots) expect(WaterSnapshotSchema.safeParse(s).success).toBe(true);
  });

  it('maps stations to configured sites and can drop unmapped ones', () => {
    const r = dmiOceanObsAdapter.parse(
      { main: Buffer.from(JSON.stringify(dmiSample)) },
      ctxAt('2025-07-14T10:05:00Z', {
        options: {
          onlyMapped: true,
          sites: { '30336': { id: 'islands-brygge', name: 'Havnebadet Islands Brygge' } },
        },
      }),
    );
    expect(r.snapshots.map((s) => [s.siteId, s.name, s.waterTempC])).toEqual([
      ['islands-brygge', 'Havnebadet Islands Brygge', 18.6],
    ]);
  });

  it('refuses a collection without tw observations, and non-GeoJSON', () => {
    const noTw = { type: 'FeatureCollection', features: [dmiSample.features[2]] };
    expect(() =>
      dmiOceanObsAdapter.parse({ main: Buffer.from(JSON.stringify(noTw)) }, ctxAt('2025-07-14T10:05:00Z')),
    ).toThrow(/no tw \(water temperature\) observations/);
    expect(() =>
      dmiOceanObsAdapter.parse({ main: Buffer.from('[1,2]') }, ctxAt('2025-07-14T10:05:00Z')),
    ).toThrow(/not a GeoJSON/);
  });
});

const beaches = [
  {
    beachName: 'Islands Brygge Havnebad',
    latitude: 55.6693,
    longitude: 12.577,
    data: [
      { date: '2025-07-13 10:00', waterTemperature: 18.1, airTemperature: 21.0, waterQuality: 1 },
      { date: '2025-07-14 10:00', waterTemperature: 18.9, airTemperature: 23.5, waterQuality: 1 },
      { date: '2025-07-15 10:00', waterTemperature: 19.5, airTemperature: 25.0, waterQuality: 2 },
    ],
  },
  {
    beachName: 'Fisketorvet Havnebad',
    latitude: 55.6632,
    longitude: 12.5628,
    data: [
      { date: '2025-07-14T09:00:00+02:00', waterTemperature: '18,4', airTemperature: null, waterQuality: 3 },
    ],
  },
  { beachName: 'Uden data', latitude: 55.7, longitude: 12.6, data: [] },
];

describe('Danish bathing-water service JSON (constructed sample)', () => {
  it('takes the newest entry that is not a forecast, with water quality', () => {
    const r = bathingWaterAdapter.parse(
      { main: Buffer.from(JSON.stringify(beaches)) },
      ctxAt('2025-07-14T12:00:00Z'),
    );
    expect(r.warnings).toEqual(['Uden data: no dated data, skipped']);
    expect(r.snapshots).toEqual([
      expect.objectContaining({
        siteId: 'Islands-Brygge-Havnebad',
        waterTempC: 18.9,
        airTempC: 23.5,
        quality: 'good',
        observedAt: '2025-07-14T10:00:00+02:00',
        location: { lat: 55.6693, lon: 12.577 },
      }),
      expect.objectContaining({
        siteId: 'Fisketorvet-Havnebad',
        waterTempC: 18.4,
        airTempC: null,
        quality: 'closed',
      }),
    ]);
  });

  it('maps quality codes and words', () => {
    expect([1, 2, 3, 0, 'God badevandskvalitet', 'Advarsel', 'Lukket', null].map(qualityOf)).toEqual([
      'good',
      'warning',
      'closed',
      'unknown',
      'good',
      'warning',
      'closed',
      'unknown',
    ]);
  });

  it('refuses a document that is not a list of beaches', () => {
    expect(() =>
      bathingWaterAdapter.parse({ main: Buffer.from('{"foo": 1}') }, ctxAt('2025-07-14T12:00:00Z')),
    ).toThrow(/expected an array of beaches/);
  });
});
