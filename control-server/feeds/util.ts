import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DateTime, IANAZone } from 'luxon';
import { FeedParseError } from './types.ts';

export const CITY_ZONE = 'Europe/Copenhagen';
export const MB = 1024 * 1024;

/** Decodes UTF-8 (BOM tolerated), refusing empty and oversized inputs with a clear message. */
export function textOf(bytes: Uint8Array, maxBytes: number, what: string): string {
  if (bytes.byteLength === 0) throw new FeedParseError(`${what}: empty input`);
  if (bytes.byteLength > maxBytes) {
    throw new FeedParseError(
      `${what}: input is ${(bytes.byteLength / MB).toFixed(1)} MB, over the limit of ${(maxBytes / MB).toFixed(0)} MB`,
    );
  }
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new FeedParseError(`${what}: input is only whitespace`);
  return text;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FeedParseError(`${what}: not valid JSON (${(e as Error).message})`);
  }
}

export type XmlNode = Record<string, unknown>;

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (_name, _path, _isLeaf, isAttr) => !isAttr,
});

/**
 * Parses XML into a tree where every element is an array (so one and many look the same) and attributes
 * are `@_name`. Namespace prefixes are dropped. Truncated or malformed XML is a FeedParseError.
 */
export function parseXml(text: string, what: string): XmlNode {
  // No feed needs a DTD; refusing it rules out entity-expansion attacks ("billion laughs").
  if (/<!DOCTYPE/i.test(text.slice(0, 4096)))
    throw new FeedParseError(`${what}: XML with a DOCTYPE is not accepted`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new FeedParseError(`${what}: malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  }
  return xmlParser.parse(text) as XmlNode;
}

/** The namespace URI of the document element (default or prefixed), or null when it has none. */
export function rootNamespace(text: string): { name: string; ns: string | null } {
  const m = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)>/.exec(
    text.replace(/<\?[^?]*\?>|<!--[\s\S]*?-->/g, ''),
  );
  if (!m) return { name: '', ns: null };
  const prefix = m[1] ? m[1].slice(0, -1) : null;
  const attrs = m[3] ?? '';
  const re = prefix ? new RegExp(`xmlns:${prefix}\\s*=\\s*["']([^"']*)["']`) : /xmlns\s*=\s*["']([^"']*)["']/;
  const ns = re.exec(attrs)?.[1] ?? null;
  return { name: m[2] ?? '', ns };
}

/** Children named `name` of an element (always an array). */
export function kids(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as XmlNode)[name];
  if (Array.isArray(v)) return v.filter((x): x is XmlNode => !!x && typeof x === 'object');
  return v && typeof v === 'object' ? [v as XmlNode] : [];
}

export function kid(node: unknown, ...path: string[]): XmlNode | undefined {
  let cur: unknown = node;
  for (const p of path) {
    cur = kids(cur, p)[0];
    if (!cur) return undefined;
  }
  return cur as XmlNode;
}

/** Text content of an element (or of the first element along a path). */
export function textAt(node: unknown, ...path: string[]): string | undefined {
  let cur: unknown = node;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    const v = (cur as XmlNode)[p];
    cur = Array.isArray(v) ? v[0] : v;
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number') return String(cur);
  if (cur && typeof cur === 'object' && '#text' in cur) {
    const t = (cur as XmlNode)['#text'];
    return t === undefined ? undefined : String(t);
  }
  return undefined;
}

export function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XmlNode)[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

/** Every element named `name` anywhere below `node`, depth first (bounded to avoid pathological trees). */
export function findAll(node: unknown, name: string, out: XmlNode[] = []): XmlNode[] {
  for (const v of findValues(node, name)) if (v && typeof v === 'object') out.push(v as XmlNode);
  return out;
}

/** Every value (element object or leaf text) of elements named `name` anywhere below `node`. */
export function findValues(node: unknown, name: string, out: unknown[] = [], depth = 0): unknown[] {
  if (!node || typeof node !== 'object' || depth > 64) return out;
  if (Array.isArray(node)) {
    for (const n of node) findValues(n, name, out, depth + 1);
    return out;
  }
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k.startsWith('@_') || k === '#text') continue;
    if (k === name) out.push(...(Array.isArray(v) ? v : [v]));
    else findValues(v, name, out, depth + 1);
  }
  return out;
}

/** Text of the first element named `name` anywhere below `node`. */
export function findText(node: unknown, name: string): string | undefined {
  for (const v of findValues(node, name)) {
    const t = textAt({ x: v }, 'x');
    if (t !== undefined && t !== '') return t;
  }
  return undefined;
}

/** Turns a source's identifier into one that is safe as an MQTT topic level (protocol IdSchema). */
export function safeId(raw: string): string {
  const ascii = raw
    .replace(/æ/g, 'ae')
    .replace(/Æ/g, 'Ae')
    .replace(/ø/g, 'oe')
    .replace(/Ø/g, 'Oe')
    .replace(/å/g, 'aa')
    .replace(/Å/g, 'Aa')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const id = ascii
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64);
  return id === '' ? 'unnamed' : id;
}

const cityZone = IANAZone.create(CITY_ZONE);
/** UTC hour -> Copenhagen offset in minutes (its offset changes only on whole UTC hours). */
const offsetCache = new Map<number, number>();

function cityOffset(ms: number): number {
  const hour = Math.floor(ms / 3_600_000);
  let off = offsetCache.get(hour);
  if (off === undefined) {
    off = cityZone.offset(ms);
    if (offsetCache.size > 50_000) offsetCache.clear();
    offsetCache.set(hour, off);
  }
  return off;
}

/**
 * ISO 8601 with offset, in Copenhagen time; milliseconds only when there are any. Formatted by hand
 * with a cached offset: luxon's toISO costs tens of microseconds per call, and boards have hundreds.
 */
export function iso(dt: DateTime): string {
  if (!dt.isValid) throw new FeedParseError(`invalid time: ${dt.invalidExplanation ?? 'unknown'}`);
  const ms = dt.toMillis();
  const off = cityOffset(ms);
  const local = new Date(ms + off * 60_000).toISOString();
  const a = Math.abs(off);
  const zone = `${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return `${ms % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23)}${zone}`;
}

export function isoOfDate(d: Date): string {
  return iso(DateTime.fromJSDate(d));
}

/** Parses an ISO 8601 timestamp; one without offset is read in `zone`. Null when invalid. */
export function parseIsoTime(s: string | undefined, zone = CITY_ZONE): DateTime | null {
  if (!s) return null;
  const dt = DateTime.fromISO(s.trim(), { zone, setZone: true });
  return dt.isValid ? dt : null;
}

export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim().replace(',', '.'));
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A stable hash of a snapshot's content, excluding fetchedAt (which changes on every poll). */
export function contentHash(snapshot: object): string {
  const { fetchedAt: _f, ...rest } = snapshot as Record<string, unknown>;
  return createHash('sha256').update(stableStringify(rest)).digest('hex');
}

export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableStringify(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** A value that may be one object or an array of them (old Rejseplanen API, JSON-LD) as an array. */
export function many<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * observedAt for documents that carry no time of their own: the fetch time, rounded down (to the minute,
 * or the hour for calendars) so that an unchanged document does not look new on every poll.
 */
export function observedFallback(fetchedAt: Date, unit: 'minute' | 'hour' = 'minute'): string {
  return iso(DateTime.fromJSDate(fetchedAt).startOf(unit));
}

/** The value under `key`, created with `make` when missing. */
export function getOrInit<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

const LOCAL_RE = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * "YYYY-MM-DD HH:MM[:SS]" (or with slashes) as local time in `zone`. Much cheaper than luxon's
 * fromFormat, which matters when a board has hundreds of departures.
 */
export function localDateTime(s: string, zone = CITY_ZONE): DateTime | null {
  const m = LOCAL_RE.exec(s.trim());
  if (!m) return null;
  return wallTime(
    { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: m[6] ? +m[6] : 0 },
    zone,
  );
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

const zones = new Map<string, IANAZone>();
const zoneValid = new Map<string, boolean>();

/** Whether luxon knows an IANA zone; cached, as each check builds an Intl formatter. */
export function isIanaZone(zone: string): boolean {
  let v = zoneValid.get(zone);
  if (v === undefined) {
    v = IANAZone.isValidZone(zone);
    if (zoneValid.size > 1000) zoneValid.clear();
    zoneValid.set(zone, v);
  }
  return v;
}
/** (zone, quarter hour) -> UTC offset in minutes; zones change offset on quarter hours at the finest. */
const zoneOffsets = new Map<string, number>();

function zoneOffset(zone: string, ms: number): number {
  const key = `${zone}|${Math.floor(ms / 900_000)}`;
  let off = zoneOffsets.get(key);
  if (off === undefined) {
    let z = zones.get(zone);
    if (!z) {
      z = IANAZone.create(zone);
      zones.set(zone, z);
    }
    off = z.offset(ms);
    if (zoneOffsets.size > 100_000) zoneOffsets.clear();
    zoneOffsets.set(key, off);
  }
  return off;
}

/**
 * A wall-clock time in an IANA zone as an instant, by RFC 5545 section 3.3.5: a time that occurs twice
 * (autumn) is the first occurrence; a time that does not occur (spring) is read with the offset from
 * before the gap. Offsets are cached: luxon's fromObject asks Intl every time (slow for large calendars
 * and boards) and resolves the ambiguous hour by the current date. Null for an invalid date or zone.
 */
export function wallTime(w: WallClock, zone: string): DateTime | null {
  const { year, month, day, hour = 0, minute = 0, second = 0 } = w;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(wall);
  if (d.getUTCDate() !== day && hour < 24) return null; // 31 April and the like
  if (!isIanaZone(zone)) return null;
  const guess = wall - zoneOffset(zone, wall) * 60_000;
  const offsets = new Set([
    zoneOffset(zone, guess - 3 * 3_600_000),
    zoneOffset(zone, guess),
    zoneOffset(zone, guess + 3 * 3_600_000),
  ]);
  let best: number | null = null;
  for (const o of offsets) {
    const ts = wall - o * 60_000;
    if (zoneOffset(zone, ts) === o && (best === null || ts < best)) best = ts;
  }
  // In a gap no offset fits; the one before the gap is the smaller (clocks moved forward).
  if (best === null) best = wall - Math.min(...offsets) * 60_000;
  return DateTime.fromMillis(best, { zone: 'UTC' });
}
