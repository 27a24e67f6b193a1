import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventsSnapshotSchema } from '../../../protocol/index.ts';
import { REPO_ROOT, ctxAt, fixture } from '../testing.ts';
import { icalAdapter } from './ical.ts';

const win = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const parse = (bytes: Uint8Array, from: string, to: string, extra = {}) =>
  icalAdapter.parse({ main: bytes }, ctxAt(from, { window: win(from, to), ...extra }));
const utc = (iso: string) => new Date(iso).toISOString();

describe('iCalendar, real files', () => {
  it('meetup-timed-tz.ics: a VTIMEZONE/TZID time converts to UTC, with GEO, LOCATION and URL', () => {
    const r = parse(
      fixture('events/ics/meetup-timed-tz.ics'),
      '2011-11-01T00:00:00Z',
      '2011-12-01T00:00:00Z',
    );
    const [ev] = r.snapshots[0]!.events;
    expect(r.snapshots[0]!.events).toHaveLength(1);
    expect(utc(ev!.start)).toBe('2011-11-10T02:00:00.000Z'); // 19:00 America/Phoenix (UTC-7)
    expect(ev).toMatchObject({
      id: 'event_nsmxnyppbfc@meetup.com',
      title: { en: 'Phoenix Drupal User Group Monthly Meetup' },
      start: '2011-11-10T03:00:00+01:00',
      end: '2011-11-10T05:00:00+01:00',
      allDay: false,
      venue: 'Open Source Project Tempe (1415 E University Dr. #103A, Tempe, AZ 85281)',
      location: { lat: 33.56, lon: -111.9 },
      url: 'http://www.meetup.com/Phoenix-Drupal-User-Group/events/33627272/',
    });
    expect(EventsSnapshotSchema.safeParse(r.snapshots[0]).success).toBe(true);
  });

  it('whole_day_moved_over_dst_change_berlin.ics: all-day RRULE across the DST change, one occurrence moved', () => {
    const r = parse(
      fixture('events/ics/whole_day_moved_over_dst_change_berlin.ics'),
      '2024-10-20T00:00:00Z',
      '2024-11-10T00:00:00Z',
    );
    const evs = r.snapshots[0]!.events;
    expect(evs.map((e) => [e.start, e.end, e.allDay])).toEqual([
      ['2024-10-27T00:00:00+02:00', '2024-10-28T00:00:00+01:00', true], // the DST day lasts 25 hours
      ['2024-10-29T00:00:00+01:00', '2024-10-30T00:00:00+01:00', true],
      ['2024-10-30T00:00:00+01:00', '2024-10-31T00:00:00+01:00', true], // RECURRENCE-ID 2024-10-28 moved here
    ]);
    expect(evs.map((e) => utc(e.start))).toEqual([
      '2024-10-26T22:00:00.000Z',
      '2024-10-28T23:00:00.000Z',
      '2024-10-29T23:00:00.000Z',
    ]);
    expect(new Set(evs.map((e) => e.id)).size).toBe(3);
  });

  it('multi-event-basic.ics: 8 events in 2011; the one with "DTSTART:Next Year" is skipped with a warning', () => {
    const r = parse(
      fixture('events/ics/multi-event-basic.ics'),
      '2011-01-01T00:00:00Z',
      '2012-01-01T00:00:00Z',
    );
    const evs = r.snapshots[0]!.events;
    expect(evs).toHaveLength(8);
    expect(r.warnings).toEqual([expect.stringMatching(/^event sdfkf09fsd0: .*Next.*; skipped$/)]);
    expect(evs[0]).toMatchObject({
      title: { en: 'Dyncon 2011' },
      start: '2011-03-12T21:00:00+01:00',
      allDay: false,
      venue: 'Stockholm, Sweden',
    });
    expect(evs[1]).toMatchObject({
      title: { en: '[Async]: Everything Express' },
      start: '2011-03-24T00:00:00+01:00',
      end: '2011-03-25T00:00:00+01:00',
      allDay: true,
    });
    // Only what overlaps the window is kept.
    const may = parse(
      fixture('events/ics/multi-event-basic.ics'),
      '2011-05-04T12:00:00Z',
      '2011-05-14T00:00:00Z',
    );
    expect(may.snapshots[0]!.events.map((e) => e.title.en)).toEqual(['NodeConf 2011', 'BrazilJS']);
  });

  it('event-with-category.ics: every VEVENT lacks DTSTART, which is an error, not an empty calendar', () => {
    expect(() =>
      parse(fixture('events/ics/event-with-category.ics'), '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
    ).toThrow(/none of 5 events is usable \(event 1: no DTSTART, skipped\)/);
  });

  it('utf8-french-calendar.ics: only VTODOs, so an empty event list with a warning', () => {
    const r = parse(
      fixture('events/ics/utf8-french-calendar.ics'),
      '2013-01-01T00:00:00Z',
      '2014-01-01T00:00:00Z',
    );
    expect(r.snapshots[0]!.events).toEqual([]);
    expect(r.warnings).toEqual(['2 components other than VEVENT (VTODO, VJOURNAL, ...) ignored']);
  });
});

describe('iCalendar, constructed cases', () => {
  const cal = (body: string) =>
    Buffer.from(
      `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n${body.trim().replace(/\n/g, '\r\n')}\r\nEND:VCALENDAR\r\n`,
    );

  it('keeps wall-clock time of a weekly TZID event across the spring DST change, honours EXDATE and RECURRENCE-ID', () => {
    const r = parse(
      cal(`
BEGIN:VEVENT
UID:walk
DTSTART;TZID=Europe/Copenhagen:20250322T110000
DTEND;TZID=Europe/Copenhagen:20250322T120000
RRULE:FREQ=WEEKLY;COUNT=5
EXDATE;TZID=Europe/Copenhagen:20250405T110000
SUMMARY;LANGUAGE=da:Byvandring
SUMMARY;LANGUAGE=en:City walk
SUMMARY;LANGUAGE=de:Stadtrundgang
CATEGORIES:tour,free
END:VEVENT
BEGIN:VEVENT
UID:walk
RECURRENCE-ID;TZID=Europe/Copenhagen:20250412T110000
DTSTART;TZID=Europe/Copenhagen:20250412T150000
DTEND;TZID=Europe/Copenhagen:20250412T160000
SUMMARY;LANGUAGE=en:City walk (afternoon)
END:VEVENT`),
      '2025-03-01T00:00:00Z',
      '2025-05-01T00:00:00Z',
    );
    const evs = r.snapshots[0]!.events;
    expect(evs.map((e) => utc(e.start))).toEqual([
      '2025-03-22T10:00:00.000Z', // CET
      '2025-03-29T10:00:00.000Z',
      '2025-04-12T13:00:00.000Z', // moved, CEST; 2025-04-05 excluded by EXDATE
      '2025-04-19T09:00:00.000Z', // CEST: still 11:00 local
    ]);
    expect(evs[0]!.title).toEqual({ da: 'Byvandring', en: 'City walk', de: 'Stadtrundgang' });
    expect(evs[0]!.category).toBe('tour');
    expect(evs[2]!.title).toEqual({ en: 'City walk (afternoon)' });
  });

  it('a broken RRULE skips that event with a warning and keeps the others', () => {
    const r = parse(
      cal(`
BEGIN:VEVENT
UID:bad
DTSTART:20250601T100000Z
RRULE:FREQ=SOMETIMES;COUNT=x
SUMMARY:Broken
END:VEVENT
BEGIN:VEVENT
UID:good
DTSTART:20250602T100000Z
SUMMARY:Fine
END:VEVENT`),
      '2025-06-01T00:00:00Z',
      '2025-06-10T00:00:00Z',
    );
    expect(r.snapshots[0]!.events.map((e) => e.id)).toEqual(['good']);
    expect(r.warnings[0]).toMatch(/^event bad: invalid frequency "SOMETIMES"/);
    const onlyBad = () =>
      parse(
        cal('BEGIN:VEVENT\nUID:bad\nDTSTART:20250601T100000Z\nRRULE:FREQ=SOMETIMES\nSUMMARY:x\nEND:VEVENT'),
        '2025-06-01T00:00:00Z',
        '2025-06-10T00:00:00Z',
      );
    expect(onlyBad).toThrow(/iCalendar: .*invalid frequency/);
  });

  it('stops an endless RRULE at the window, and caps pathological ones', () => {
    const r = parse(
      cal('BEGIN:VEVENT\nUID:tick\nDTSTART:20200101T000000Z\nRRULE:FREQ=MINUTELY\nSUMMARY:Tick\nEND:VEVENT'),
      '2020-01-01T00:00:00Z',
      '2020-01-01T01:00:00Z',
    );
    expect(r.snapshots[0]!.events).toHaveLength(60); // the window's end is exclusive
    expect(r.warnings[0]).toMatch(/stopped expanding after 10000 occurrences/);
  });

  it('refuses a truncated file, an empty file, something else and a 50 MB file', () => {
    const full = fixture('events/ics/meetup-timed-tz.ics').toString('utf8');
    const c = (b: Uint8Array) => () => parse(b, '2011-11-01T00:00:00Z', '2011-12-01T00:00:00Z');
    expect(c(Buffer.from(full.slice(0, 700)))).toThrow(/truncated/);
    expect(c(Buffer.alloc(0))).toThrow(/empty input/);
    expect(c(Buffer.from('<html></html>'))).toThrow(/does not start with BEGIN:VCALENDAR/);
    expect(c(Buffer.alloc(50 * 1024 * 1024, 0x0a))).toThrow(/over the limit/);
  });
});

describe('the demo calendar content/demo/events-copenhagen.ics', () => {
  it('always has upcoming events in da, en and de for the next 14 days', () => {
    const bytes = readFileSync(path.join(REPO_ROOT, 'content/demo/events-copenhagen.ics'));
    for (const now of ['2026-03-28T12:00:00Z', '2026-10-24T23:00:00Z', '2027-07-01T08:00:00Z']) {
      const r = icalAdapter.parse(
        { main: bytes },
        ctxAt(now, { demo: true, lang: 'da', options: { area: 'copenhagen' } }),
      );
      const s = r.snapshots[0]!;
      expect(r.warnings).toEqual([]);
      expect(s).toMatchObject({ kind: 'events', area: 'copenhagen', demo: true });
      expect(s.events.length).toBeGreaterThan(20);
      expect(s.events.every((e) => e.title.da && e.title.en && e.title.de)).toBe(true);
      expect(s.events.some((e) => e.allDay)).toBe(true);
    }
  });
});
