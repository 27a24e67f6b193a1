import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  contentHash,
  iso,
  localDateTime,
  parseXml,
  rootNamespace,
  safeId,
  textOf,
  wallTime,
} from './util.ts';

describe('iso()', () => {
  it('formats in Copenhagen time with the right offset on both sides of each DST change', () => {
    const at = (s: string) => iso(DateTime.fromISO(s));
    expect(at('2024-10-27T00:59:59Z')).toBe('2024-10-27T02:59:59+02:00');
    expect(at('2024-10-27T01:00:00Z')).toBe('2024-10-27T02:00:00+01:00');
    expect(at('2025-03-30T00:59:00Z')).toBe('2025-03-30T01:59:00+01:00');
    expect(at('2025-03-30T01:00:00Z')).toBe('2025-03-30T03:00:00+02:00');
    expect(at('2025-02-07T19:05:34.176Z')).toBe('2025-02-07T20:05:34.176+01:00');
  });

  it('agrees with luxon for every hour of a year', () => {
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let h = 0; h < 365 * 24; h += 7) {
      const dt = DateTime.fromMillis(start + h * 3_600_000 + 17_000);
      expect(iso(dt)).toBe(dt.setZone('Europe/Copenhagen').toISO({ suppressMilliseconds: true }));
    }
  });

  it('refuses an invalid time', () => {
    expect(() => iso(DateTime.invalid('test'))).toThrow(/invalid time/);
  });
});

describe('helpers', () => {
  it('localDateTime reads local wall-clock time, including the skipped and repeated DST hours', () => {
    expect(iso(localDateTime('2025-05-23 11:10:00')!)).toBe('2025-05-23T11:10:00+02:00');
    expect(iso(localDateTime('2016/10/29 17:30:04')!)).toBe('2016-10-29T17:30:04+02:00');
    // RFC 5545: 02:30 does not exist on 2025-03-30 (read with the offset before the gap); on 2024-10-27
    // it exists twice (the first occurrence).
    expect(iso(localDateTime('2025-03-30 02:30:00')!)).toBe('2025-03-30T03:30:00+02:00');
    expect(iso(localDateTime('2024-10-27 02:30:00')!)).toBe('2024-10-27T02:30:00+02:00');
    expect(localDateTime('23.05.25 11:10')).toBeNull();
    expect(localDateTime('2025-13-40 11:10')).toBeNull();
  });

  it('safeId makes MQTT-safe ids, transliterating Danish letters', () => {
    expect(safeId('Hovedbanegården, Tivoli (Bernstorffsgade)')).toBe(
      'Hovedbanegaarden-Tivoli-Bernstorffsgade',
    );
    expect(safeId('Ærø/Øster #1+2')).toBe('Aeroe-Oester-1-2');
    expect(safeId('///')).toBe('unnamed');
    expect(safeId('x'.repeat(100))).toHaveLength(64);
  });

  it('contentHash ignores fetchedAt and key order, nothing else', () => {
    const a = { kind: 'water', fetchedAt: '2025-01-01T00:00:00Z', waterTempC: 5, name: 'x' };
    const b = { name: 'x', waterTempC: 5, kind: 'water', fetchedAt: '2025-06-01T00:00:00Z' };
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash({ ...a, waterTempC: 5.1 })).not.toBe(contentHash(a));
  });

  it('rootNamespace finds default and prefixed namespaces', () => {
    expect(rootNamespace('<?xml version="1.0"?><!-- c --><a:root xmlns:a="urn:x" xmlns="urn:y"/>')).toEqual({
      name: 'root',
      ns: 'urn:x',
    });
    expect(rootNamespace('<root\n  xmlns="urn:y">')).toEqual({ name: 'root', ns: 'urn:y' });
    expect(rootNamespace('<root>')).toEqual({ name: 'root', ns: null });
  });

  it('textOf refuses empty, blank and oversized input and strips a BOM', () => {
    expect(() => textOf(new Uint8Array(0), 10, 'x')).toThrow(/x: empty input/);
    expect(() => textOf(Buffer.from('  \n'), 10, 'x')).toThrow(/only whitespace/);
    expect(() => textOf(Buffer.alloc(11, 0x41), 10, 'x')).toThrow(/over the limit/);
    expect(textOf(Buffer.from('\ufeff<a/>'), 10, 'x')).toBe('<a/>');
  });

  it('parseXml refuses a DOCTYPE (no entity expansion)', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
    expect(() => parseXml(bomb, 'x')).toThrow(/x: XML with a DOCTYPE is not accepted/);
    expect(parseXml('<a x="1"><b>t &amp; u</b></a>', 'x')).toEqual({ a: [{ '@_x': '1', b: ['t & u'] }] });
  });
});

describe('wallTime()', () => {
  it('follows RFC 5545 every 15 minutes across DST changes in several zones', () => {
    const fields = (dt: DateTime) => [dt.year, dt.month, dt.day, dt.hour, dt.minute];
    for (const zone of [
      'Europe/Copenhagen',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'UTC',
    ]) {
      for (const [y, m, d] of [
        [2025, 3, 30],
        [2024, 10, 27],
        [2025, 3, 9],
        [2025, 11, 2],
        [2025, 4, 6],
        [2025, 10, 5],
      ] as const) {
        for (let q = 0; q < 4 * 24; q++) {
          const w = { year: y, month: m, day: d, hour: Math.floor(q / 4), minute: (q % 4) * 15 };
          const label = `${zone} ${JSON.stringify(w)}`;
          const ms = wallTime(w, zone)!.toMillis();
          const local = DateTime.fromMillis(ms, { zone });
          if (fields(local).join() === [y, m, d, w.hour, w.minute].join()) {
            // The first occurrence: no earlier instant (30 or 60 minutes before) shows the same wall time.
            for (const back of [1_800_000, 3_600_000]) {
              expect(fields(DateTime.fromMillis(ms - back, { zone })).join(), label).not.toBe(
                fields(local).join(),
              );
            }
          } else {
            // A time in the gap, read with the offset from before the gap.
            const before = DateTime.fromMillis(ms - 3 * 3_600_000, { zone }).offset;
            expect(ms, label).toBe(Date.UTC(y, m - 1, d, w.hour, w.minute) - before * 60_000);
          }
        }
      }
    }
  });

  it('refuses impossible dates and unknown zones', () => {
    expect(wallTime({ year: 2025, month: 4, day: 31 }, 'Europe/Copenhagen')).toBeNull();
    expect(wallTime({ year: 2025, month: 13, day: 1 }, 'Europe/Copenhagen')).toBeNull();
    expect(wallTime({ year: 2025, month: 1, day: 1 }, 'Mars/Olympus_Mons')).toBeNull();
  });
});
