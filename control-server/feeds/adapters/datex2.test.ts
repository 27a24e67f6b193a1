import { describe, expect, it } from 'vitest';
import { ParkingSnapshotSchema } from '../../../protocol/index.ts';
import { ctxAt, fixture } from '../testing.ts';
import { datex2Adapter } from './datex2.ts';

const ctx = ctxAt('2025-05-23T09:13:00Z');

describe('DATEX II v2 parking table + status (real Aachen publications, ns2: prefix)', () => {
  const r = datex2Adapter.parse(
    {
      main: fixture('parking/datex2/aachen-realtime.xml'),
      table: fixture('parking/datex2/aachen-static.xml'),
    },
    ctx,
  );

  it('joins 17 status records to the table; the two reporting zero capacity are dropped with a warning', () => {
    expect(r.snapshots).toHaveLength(15);
    expect(r.warnings).toEqual(['P5: total spaces is 0, skipped', 'P13: total spaces is 0, skipped']);
    for (const s of r.snapshots) expect(ParkingSnapshotSchema.safeParse(s).success).toBe(true);
  });

  it('gives name, location, free and total, occupancy, trend, status and observation time', () => {
    expect(r.snapshots[0]).toMatchObject({
      kind: 'parking',
      zoneId: 'P1',
      name: 'P01-Eurogress',
      location: { lat: 50.780552, lon: 6.0927987 },
      total: 560,
      free: 412,
      occupancy: 0.264,
      trend: 'steady',
      status: 'open',
    });
    expect(new Date(r.snapshots[0]!.observedAt).toISOString()).toBe('2025-02-07T19:05:34.176Z');
  });

  it('reads the status alone, with the record id as name', () => {
    const alone = datex2Adapter.parse({ main: fixture('parking/datex2/aachen-realtime.xml') }, ctx);
    expect(alone.snapshots[0]).toMatchObject({ zoneId: 'P1', name: 'P1', free: 412, total: 560 });
    expect(alone.snapshots[0]!.location).toBeUndefined();
  });

  it('explains that a parking table alone has no occupancy', () => {
    expect(() => datex2Adapter.parse({ main: fixture('parking/datex2/aachen-static.xml') }, ctx)).toThrow(
      /a parking table \(17 sites\) without occupancy/,
    );
  });
});

describe('DATEX II v2 facility table (real VRS Bondorf, default namespace)', () => {
  it('matches the decorated reference "1035[P+R Bondorf]" to facility 1035; the status override wins', () => {
    const r = datex2Adapter.parse(
      {
        main: fixture('parking/datex2/vrs_bondorf-realtime.xml'),
        table: fixture('parking/datex2/vrs_bondorf-static.xml'),
      },
      ctx,
    );
    expect(r.warnings).toEqual([]);
    expect(r.snapshots).toEqual([
      expect.objectContaining({
        zoneId: '1035-P-R-Bondorf',
        name: 'P+R Bondorf',
        location: { lat: 48.52436858335742, lon: 8.82821456169721 },
        total: 313,
        free: 215,
        occupancy: 0.313,
        observedAt: '2025-05-09T21:41:58.546+02:00',
      }),
    ]);
  });

  it('reads the older facility-status variant (constructed sample of the DATEX II v2.3 ParkingFacilityStatus shape)', () => {
    const status = `<?xml version="1.0"?>
<d2:d2LogicalModel xmlns:d2="http://datex2.eu/schema/2/2_0" modelBaseVersion="2">
  <d2:payloadPublication xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="d2:GenericPublication" lang="de">
    <d2:publicationTime>2025-05-10T08:00:00+02:00</d2:publicationTime>
    <d2:genericPublicationExtension><d2:parkingFacilityTableStatusPublication>
      <d2:parkingFacilityStatus>
        <d2:parkingFacilityReference targetClass="ParkingFacility" id="1035" version="1.0"/>
        <d2:parkingFacilityStatusTime>2025-05-10T07:59:00+02:00</d2:parkingFacilityStatusTime>
        <d2:parkingFacilityOccupancyTrend>increasing</d2:parkingFacilityOccupancyTrend>
        <d2:parkingFacilityStatus>spacesAvailable</d2:parkingFacilityStatus>
        <d2:totalNumberOfOccupiedParkingSpaces>200</d2:totalNumberOfOccupiedParkingSpaces>
        <d2:totalNumberOfVacantParkingSpaces>114</d2:totalNumberOfVacantParkingSpaces>
      </d2:parkingFacilityStatus>
    </d2:parkingFacilityTableStatusPublication></d2:genericPublicationExtension>
  </d2:payloadPublication>
</d2:d2LogicalModel>`;
    const r = datex2Adapter.parse(
      { main: Buffer.from(status), table: fixture('parking/datex2/vrs_bondorf-static.xml') },
      ctx,
    );
    expect(r.snapshots).toEqual([
      expect.objectContaining({
        zoneId: '1035',
        name: 'P+R Bondorf',
        total: 314,
        free: 114,
        trend: 'rising',
        status: 'open',
        observedAt: '2025-05-10T07:59:00+02:00',
      }),
    ]);
  });
});

describe('DATEX II v3 parking (constructed sample of the v3 messageContainer shape)', () => {
  const table = `<mc:messageContainer xmlns:mc="http://datex2.eu/schema/3/messageContainer" xmlns:prk="http://datex2.eu/schema/3/parking"
  xmlns:com="http://datex2.eu/schema/3/common" xmlns:loc="http://datex2.eu/schema/3/locationReferencing"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" modelBaseVersion="3">
  <mc:payload xsi:type="prk:ParkingTablePublication" lang="da" modelBaseVersion="3">
    <com:publicationTime>2025-06-01T06:00:00+02:00</com:publicationTime>
    <prk:parkingTable id="kk" version="1">
      <prk:parkingRecord xsi:type="prk:UrbanParkingSite" id="kk-israels-plads" version="1">
        <prk:name><com:values><com:value lang="da">P-anlæg Israels Plads</com:value></com:values></prk:name>
        <prk:parkingNumberOfSpaces>480</prk:parkingNumberOfSpaces>
        <prk:parkingLocation xsi:type="loc:PointLocation"><loc:pointByCoordinates><loc:pointCoordinates>
          <loc:latitude>55.6833</loc:latitude><loc:longitude>12.5707</loc:longitude>
        </loc:pointCoordinates></loc:pointByCoordinates></prk:parkingLocation>
      </prk:parkingRecord>
    </prk:parkingTable>
  </mc:payload>
</mc:messageContainer>`;
  const status = `<?xml version="1.0" encoding="UTF-8"?>
<messageContainer xmlns="http://datex2.eu/schema/3/messageContainer" xmlns:p="http://datex2.eu/schema/3/parking"
  xmlns:c="http://datex2.eu/schema/3/common" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" modelBaseVersion="3">
  <payload xsi:type="p:ParkingStatusPublication" lang="da" modelBaseVersion="3">
    <c:publicationTime>2025-06-01T10:00:00+02:00</c:publicationTime>
    <p:parkingRecordStatus xsi:type="p:ParkingSiteStatus">
      <p:parkingRecordReference id="kk-israels-plads" version="1"/>
      <p:parkingStatusOriginTime>2025-06-01T09:58:00+02:00</p:parkingStatusOriginTime>
      <p:parkingOccupancy>
        <p:parkingNumberOfVacantSpaces>0</p:parkingNumberOfVacantSpaces>
        <p:parkingNumberOfOccupiedSpaces>480</p:parkingNumberOfOccupiedSpaces>
      </p:parkingOccupancy>
      <p:parkingSiteStatus>full</p:parkingSiteStatus>
    </p:parkingRecordStatus>
  </payload>
</messageContainer>`;

  it('joins status and table whatever the prefixes', () => {
    const r = datex2Adapter.parse({ main: Buffer.from(status), table: Buffer.from(table) }, ctx);
    expect(r.snapshots).toEqual([
      expect.objectContaining({
        zoneId: 'kk-israels-plads',
        name: 'P-anlæg Israels Plads',
        location: { lat: 55.6833, lon: 12.5707 },
        total: 480,
        free: 0,
        occupancy: 1,
        status: 'full',
        observedAt: '2025-06-01T09:58:00+02:00',
      }),
    ]);
  });

  it('maps source ids to configured zone ids and names', () => {
    const r = datex2Adapter.parse(
      { main: Buffer.from(status), table: Buffer.from(table) },
      ctxAt('2025-06-01T08:00:00Z', {
        options: { zones: { 'kk-israels-plads': { id: 'israels-plads', name: 'Israels Plads' } } },
      }),
    );
    expect(r.snapshots.map((s) => [s.zoneId, s.name])).toEqual([['israels-plads', 'Israels Plads']]);
  });
});

describe('DATEX II bad input', () => {
  const real = fixture('parking/datex2/aachen-realtime.xml').toString('utf8');
  it('refuses an unknown namespace, a document without one, truncated XML, an empty and a 50 MB file', () => {
    const foreign = real.replace('http://datex2.eu/schema/2/2_0', 'http://example.org/parking/1.0');
    expect(() => datex2Adapter.parse({ main: Buffer.from(foreign) }, ctx)).toThrow(
      /unknown namespace http:\/\/example\.org\/parking\/1\.0/,
    );
    expect(() => datex2Adapter.parse({ main: Buffer.from('<parking><site/></parking>') }, ctx)).toThrow(
      /has no namespace/,
    );
    expect(() => datex2Adapter.parse({ main: Buffer.from(real.slice(0, real.length - 300)) }, ctx)).toThrow(
      /malformed XML/,
    );
    expect(() => datex2Adapter.parse({ main: Buffer.alloc(0) }, ctx)).toThrow(/empty input/);
    const big = Buffer.alloc(50 * 1024 * 1024, 0x41);
    const t0 = performance.now();
    expect(() => datex2Adapter.parse({ main: big }, ctx)).toThrow(/over the limit of 20 MB/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
