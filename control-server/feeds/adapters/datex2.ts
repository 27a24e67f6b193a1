import type { ParkingSnapshot } from '../../../protocol/index.ts';
import { type FeedAdapter, FeedParseError } from '../types.ts';
import {
  MB,
  type XmlNode,
  attr,
  findAll,
  findText,
  iso,
  kid,
  num,
  parseIsoTime,
  parseXml,
  rootNamespace,
  textAt,
  textOf,
} from '../util.ts';
import { validated } from '../validate.ts';
import { type RawSite, toSnapshots } from './parking-common.ts';

const DATEX_NS = /^https?:\/\/datex2\.eu\/schema\/(2|3)\b/;

interface StaticInfo {
  name?: string;
  total?: number | null;
  lat?: number | null;
  lon?: number | null;
}

function firstText(node: XmlNode, names: string[]): string | undefined {
  for (const n of names) {
    const t = findText(node, n);
    if (t !== undefined) return t;
  }
  return undefined;
}

function nameOf(node: XmlNode, names: string[]): string | undefined {
  for (const n of names) {
    const el = kid(node, n);
    const v = el ? textAt(el, 'values', 'value') : undefined;
    if (v) return v;
  }
  return undefined;
}

function time(s: string | undefined): string | undefined {
  const dt = parseIsoTime(s, 'UTC');
  return dt ? iso(dt) : undefined;
}

function readDoc(bytes: Uint8Array, what: string, maxBytes: number): { doc: XmlNode; version: string } {
  const text = textOf(bytes, maxBytes, what);
  const root = rootNamespace(text);
  if (!root.ns)
    throw new FeedParseError(`${what}: root element <${root.name}> has no namespace; not DATEX II`);
  const m = DATEX_NS.exec(root.ns);
  if (!m)
    throw new FeedParseError(
      `${what}: unknown namespace ${root.ns} (expected http://datex2.eu/schema/2/... or /3/...)`,
    );
  return { doc: parseXml(text, what), version: m[1]! };
}

/** Static site information (DATEX II v2 parkingRecord or older parkingFacility, v3 parkingRecord) by id. */
function readTable(doc: XmlNode): Map<string, StaticInfo> {
  const out = new Map<string, StaticInfo>();
  for (const r of [...findAll(doc, 'parkingRecord'), ...findAll(doc, 'parkingFacility')]) {
    const id = attr(r, 'id');
    if (!id) continue;
    out.set(id, {
      name: nameOf(r, ['parkingName', 'parkingFacilityName', 'name']),
      total: num(firstText(r, ['parkingNumberOfSpaces', 'totalParkingCapacity'])),
      lat: num(firstText(r, ['latitude'])),
      lon: num(firstText(r, ['longitude'])),
    });
  }
  return out;
}

function lookup(table: Map<string, StaticInfo>, ref: string): StaticInfo | undefined {
  // Some publishers decorate the reference: "1035[P+R Bondorf]" refers to record "1035".
  return table.get(ref) ?? table.get(ref.replace(/\[.*\]$/, '').trim());
}

function readStatus(doc: XmlNode, table: Map<string, StaticInfo>, published: string | undefined): RawSite[] {
  const sites: RawSite[] = [];
  for (const s of findAll(doc, 'parkingRecordStatus')) {
    const ref = attr(kid(s, 'parkingRecordReference'), 'id');
    if (!ref) continue;
    const st = lookup(table, ref);
    const occ = kid(s, 'parkingOccupancy');
    sites.push({
      sourceId: ref,
      name: st?.name ?? ref.replace(/^\d+\[(.*)\]$/, '$1'),
      lat: st?.lat,
      lon: st?.lon,
      total: num(textAt(occ, 'parkingNumberOfSpacesOverride')) ?? st?.total,
      free: num(textAt(occ, 'parkingNumberOfVacantSpaces')),
      occupied: num(textAt(occ, 'parkingNumberOfOccupiedSpaces')),
      occupancyPct: num(textAt(occ, 'parkingOccupancy')),
      trend: textAt(s, 'parkingOccupancyTrend') ?? textAt(occ, 'parkingOccupancyTrend'),
      status: textAt(s, 'parkingSiteOpeningStatus') === 'closed' ? 'closed' : textAt(s, 'parkingSiteStatus'),
      observedAt: time(textAt(s, 'parkingStatusOriginTime')) ?? published,
    });
  }
  for (const s of findAll(doc, 'parkingFacilityStatus')) {
    const ref = attr(kid(s, 'parkingFacilityReference'), 'id');
    if (!ref) continue;
    const st = lookup(table, ref);
    sites.push({
      sourceId: ref,
      name: st?.name ?? ref,
      lat: st?.lat,
      lon: st?.lon,
      total: num(textAt(s, 'totalParkingCapacityOverride')) ?? st?.total,
      free: num(textAt(s, 'totalNumberOfVacantParkingSpaces')),
      occupied: num(textAt(s, 'totalNumberOfOccupiedParkingSpaces')),
      occupancyPct: num(textAt(s, 'parkingFacilityOccupancy')),
      trend: textAt(s, 'parkingFacilityOccupancyTrend'),
      status: textAt(s, 'parkingFacilityStatus'),
      observedAt: time(textAt(s, 'parkingFacilityStatusTime')) ?? published,
    });
  }
  return sites;
}

/**
 * DATEX II parking, v2 (parking table + parking status, and the older facility table/status) and v3,
 * with any namespace prefix. Input `main` is the status publication; input `table` the static one.
 */
export const datex2Adapter: FeedAdapter<ParkingSnapshot> = {
  format: 'datex2',
  kind: 'parking',
  description: 'DATEX II v2/v3 parking status (+ parking table as input "table")',
  maxBytes: 20 * MB,
  detect: (t) => /datex2\.eu\/schema/.test(t.slice(0, 3000)),
  parse(inputs, ctx) {
    const what = 'DATEX II parking';
    const warnings: string[] = [];
    const { doc } = readDoc(inputs.main, what, this.maxBytes);
    let table = readTable(doc);
    if (inputs.table) {
      const t = readDoc(inputs.table, `${what} table`, this.maxBytes);
      table = new Map([...readTable(t.doc), ...table]);
    }
    const published = time(findText(doc, 'publicationTime'));
    const sites = readStatus(doc, table, published);
    if (sites.length === 0) {
      throw new FeedParseError(
        table.size > 0
          ? `${what}: a parking table (${table.size} sites) without occupancy; configure the status publication as the main input`
          : `${what}: no parkingRecordStatus or parkingFacilityStatus found`,
      );
    }
    for (const s of sites)
      if (!lookup(table, s.sourceId) && table.size > 0)
        warnings.push(`${s.sourceId}: not in the parking table`);
    return validated('parking', toSnapshots(sites, ctx, warnings), warnings, what);
  },
};
