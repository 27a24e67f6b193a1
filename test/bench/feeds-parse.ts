/**
 * Feed benchmark: parse throughput of every adapter (MB/s, on the shared real fixtures and on larger
 * generated documents of the same shapes), and how many MQTT publishes the change detection saves over
 * a simulated hour of the shipped demo configuration.
 *
 * `npx tsx test/bench/feeds-parse.ts [--quick]` runs it alone and writes bench-results/feeds.{json,md};
 * `npm run bench -- feeds-parse` calls `run()`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { Registry } from 'prom-client';
import type { Bus } from '../../control-server/bus.ts';
import { adapterFor } from '../../control-server/feeds/adapters/index.ts';
import { loadFeedsConfig } from '../../control-server/feeds/config.ts';
import { feedMetrics } from '../../control-server/feeds/metrics.ts';
import { FeedSource } from '../../control-server/feeds/source.ts';
import { FIXTURES, REPO_ROOT } from '../../control-server/feeds/testing.ts';
import type { AdapterContext, AdapterInputs } from '../../control-server/feeds/types.ts';
import { silentLogger } from '../../control-server/log.ts';
import type { BenchOptions, BenchResult } from './results.ts';
import { writeResult } from './results.ts';

const fx = (rel: string) => readFileSync(path.join(FIXTURES, rel));
const MB = 1024 * 1024;

interface Case {
  label: string;
  format: string;
  inputs: AdapterInputs;
  ctx: AdapterContext;
}

/** A Rejseplanen API 2.0 board with `n` copies of the real departures (same element shapes). */
function bigBoard(n: number): Buffer {
  const xml = fx('transport/rejseplanen/departure-board-roskilde-api2.xml').toString('utf8');
  const start = xml.indexOf('<Departure ');
  const end = xml.lastIndexOf('</DepartureBoard>');
  return Buffer.from(xml.slice(0, start) + xml.slice(start, end).repeat(n) + xml.slice(end));
}

/** The real Aachen status publication with its 17 records repeated `n` times under new ids. */
function bigDatex(n: number): Buffer {
  const xml = fx('parking/datex2/aachen-realtime.xml').toString('utf8');
  const start = xml.indexOf('<ns2:parkingRecordStatus');
  const end = xml.lastIndexOf('</ns2:parkingStatusPublication>');
  const block = xml.slice(start, end);
  const copies = Array.from({ length: n }, (_, i) => block.replace(/id="P(\d+)"/g, `id="P$1-${i}"`)).join('');
  return Buffer.from(xml.slice(0, start) + copies + xml.slice(end));
}

function bigCalendar(n: number): Buffer {
  const events = Array.from(
    { length: n },
    (_, i) =>
      `BEGIN:VEVENT\r\nUID:e${i}\r\nDTSTART;TZID=Europe/Copenhagen:2025060${(i % 9) + 1}T${String(10 + (i % 10)).padStart(2, '0')}0000\r\nDURATION:PT2H\r\nSUMMARY;LANGUAGE=da:Begivenhed ${i}\r\nSUMMARY;LANGUAGE=en:Event ${i}\r\nLOCATION:Rådhuspladsen\r\nGEO:55.676;12.568\r\nEND:VEVENT\r\n`,
  ).join('');
  return Buffer.from(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${events}END:VCALENDAR\r\n`);
}

function dmi(n: number): Buffer {
  const features = Array.from({ length: n }, (_, i) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [12.5 + (i % 50) / 100, 55.6 + (i % 40) / 100] },
    properties: {
      observed: `2025-07-14T${String(i % 24).padStart(2, '0')}:00:00Z`,
      parameterId: 'tw',
      stationId: String(30000 + (i % 60)),
      value: 15 + (i % 50) / 10,
    },
  }));
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
}

function beaches(n: number): Buffer {
  return Buffer.from(
    JSON.stringify(
      Array.from({ length: n }, (_, i) => ({
        beachName: `Strand ${i}`,
        latitude: 55 + (i % 100) / 100,
        longitude: 12 + (i % 100) / 100,
        data: Array.from({ length: 5 }, (_, d) => ({
          date: `2025-07-1${d} 10:00`,
          waterTemperature: 17 + d / 2,
          airTemperature: 22,
          waterQuality: 1,
        })),
      })),
    ),
  );
}

function jsonLd(n: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      '@context': 'https://schema.org',
      '@graph': Array.from({ length: n }, (_, i) => ({
        '@type': 'Event',
        '@id': `https://example.org/e/${i}`,
        name: [
          { '@language': 'da', '@value': `Koncert ${i}` },
          { '@language': 'en', '@value': `Concert ${i}` },
        ],
        startDate: `2025-07-0${(i % 9) + 1}T19:30:00+02:00`,
        location: {
          '@type': 'Place',
          name: 'Vor Frue Kirke',
          geo: { latitude: 55.6795, longitude: 12.5729 },
        },
      })),
    }),
  );
}

function tripUpdates(): Uint8Array {
  const rt = GtfsRealtimeBindings.transit_realtime;
  return rt.FeedMessage.encode(
    rt.FeedMessage.create({
      header: { gtfsRealtimeVersion: '2.0', timestamp: 1453136370 },
      entity: Array.from({ length: 60 }, (_, i) => ({
        id: `u${i}`,
        tripUpdate: {
          trip: {
            tripId: '1',
            startTime: `${String(7 + Math.floor(i / 6)).padStart(2, '0')}:${String((i % 6) * 10).padStart(2, '0')}:00`,
            startDate: '20160118',
          },
          stopTimeUpdate: [{ stopSequence: 2, departure: { delay: 30 * (i % 5) } }],
        },
      })),
    }),
  ).finish();
}

function cases(quick: boolean): Case[] {
  const k = quick ? 0.1 : 1;
  const n = (full: number) => Math.max(1, Math.round(full * k));
  const at = (iso: string, extra: Partial<AdapterContext> = {}): AdapterContext => ({
    source: 'bench',
    fetchedAt: new Date(iso),
    ...extra,
  });
  const demo = (f: string) => readFileSync(path.join(REPO_ROOT, 'content/demo', f));
  const win = { from: new Date('2011-01-01T00:00:00Z'), to: new Date('2012-01-01T00:00:00Z') };
  return [
    {
      label: 'Rejseplanen 2.0 XML (real, 16 dep.)',
      format: 'rejseplanen-xml',
      inputs: { main: fx('transport/rejseplanen/departure-board-roskilde-api2.xml') },
      ctx: at('2025-05-23T09:13:00Z'),
    },
    {
      label: `Rejseplanen 2.0 XML (x${n(40)}, ${16 * n(40)} dep.)`,
      format: 'rejseplanen-xml',
      inputs: { main: bigBoard(n(40)) },
      ctx: at('2025-05-23T09:13:00Z'),
    },
    {
      label: 'Rejseplanen legacy JSON (real)',
      format: 'rejseplanen-legacy-json',
      inputs: { main: fx('transport/rejseplanen/departure-board-hovedbanegaarden-api1.json') },
      ctx: at('2016-09-09T12:50:00Z'),
    },
    {
      label: 'GTFS static zip + TripUpdates (real zip)',
      format: 'gtfs',
      inputs: { main: fx('transport/gtfs/bullrunner-gtfs.zip'), realtime: tripUpdates() },
      ctx: at('2016-01-18T17:00:00Z'),
    },
    {
      label: 'DATEX II v2 status + table (real Aachen)',
      format: 'datex2',
      inputs: {
        main: fx('parking/datex2/aachen-realtime.xml'),
        table: fx('parking/datex2/aachen-static.xml'),
      },
      ctx: at('2025-05-23T09:13:00Z'),
    },
    {
      label: `DATEX II v2 status (x${n(60)}, ${17 * n(60)} sites)`,
      format: 'datex2',
      inputs: { main: bigDatex(n(60)) },
      ctx: at('2025-05-23T09:13:00Z'),
    },
    {
      label: 'Aarhus CKAN JSON (real)',
      format: 'ckan-aarhus',
      inputs: { main: fx('parking/json/aarhus.json'), locations: fx('parking/json/aarhus-garages.geojson') },
      ctx: at('2025-05-23T09:13:00Z'),
    },
    {
      label: 'Basel parking JSON (real)',
      format: 'parking-json',
      inputs: { main: fx('parking/json/basel.json') },
      ctx: at('2025-05-23T09:13:00Z'),
    },
    {
      label: `DMI oceanObs GeoJSON (constructed, ${n(2000)} obs.)`,
      format: 'dmi-oceanobs',
      inputs: { main: dmi(n(2000)) },
      ctx: at('2025-07-14T12:00:00Z'),
    },
    {
      label: `Bathing water JSON (constructed, ${n(300)} beaches)`,
      format: 'bathing-water',
      inputs: { main: beaches(n(300)) },
      ctx: at('2025-07-14T12:00:00Z'),
    },
    {
      label: 'iCalendar (real multi-event)',
      format: 'ical',
      inputs: { main: fx('events/ics/multi-event-basic.ics') },
      ctx: at('2011-01-01T00:00:00Z', { window: win }),
    },
    {
      label: `iCalendar (generated, ${n(2000)} events)`,
      format: 'ical',
      inputs: { main: bigCalendar(n(2000)) },
      ctx: at('2025-06-01T00:00:00Z'),
    },
    {
      label: 'iCalendar demo (RRULEs, 14 days)',
      format: 'ical',
      inputs: { main: demo('events-copenhagen.ics') },
      ctx: at('2026-06-01T08:00:00Z'),
    },
    {
      label: `schema.org JSON-LD (constructed, ${n(500)} events)`,
      format: 'jsonld-events',
      inputs: { main: jsonLd(n(500)) },
      ctx: at('2025-07-01T00:00:00Z'),
    },
  ];
}

function inputBytes(c: Case): number {
  return Object.values(c.inputs).reduce((n, b) => n + (b?.byteLength ?? 0), 0);
}

/** Repeats the parse until `budgetMs` has passed (at least 3 times); returns ms per parse. */
function timeParse(
  c: Case,
  budgetMs: number,
  minRuns: number,
): { msPer: number; iterations: number; snapshots: number } {
  const adapter = adapterFor(c.format)!;
  // Fresh Uint8Array copies defeat the GTFS static cache (keyed by identity): we measure real parsing.
  const fresh = (): AdapterInputs =>
    Object.fromEntries(
      Object.entries(c.inputs).map(([k, v]) => [k, v ? new Uint8Array(v) : v]),
    ) as AdapterInputs;
  const warm = adapter.parse(fresh(), c.ctx);
  let iterations = 0;
  let spent = 0;
  while (iterations < minRuns || spent < budgetMs) {
    const inputs = fresh();
    const t0 = performance.now();
    adapter.parse(inputs, c.ctx);
    spent += performance.now() - t0;
    iterations++;
    if (iterations >= 2000) break;
  }
  return { msPer: spent / iterations, iterations, snapshots: warm.snapshots.length };
}

/** Drives each demo source over one simulated hour at its configured interval, counting publishes. */
async function demoHour(): Promise<{
  rows: (string | number)[][];
  polls: number;
  produced: number;
  published: number;
  bytesProduced: number;
  bytesPublished: number;
}> {
  const { config, baseDir } = await loadFeedsConfig(path.join(REPO_ROOT, 'content/feeds.json'));
  let published = 0;
  let bytesPublished = 0;
  const bus: Bus = {
    async publish(_topic, payload) {
      published++;
      bytesPublished += Buffer.byteLength(payload);
    },
    async subscribe() {
      return () => {};
    },
  };
  const start = Date.parse('2026-06-16T07:00:00Z'); // 09:00 in Copenhagen: the morning rush
  const rows: (string | number)[][] = [];
  let polls = 0;
  let produced = 0;
  let bytesProduced = 0;
  for (const sc of config.sources.filter((s) => s.enabled)) {
    let clock = start;
    const src = new FeedSource(sc, {
      bus,
      log: silentLogger(),
      metrics: feedMetrics(new Registry()),
      baseDir,
      now: () => new Date(clock),
    });
    const before = published;
    const adapter = adapterFor(sc.format)!;
    const bytes = readFileSync(path.join(baseDir, (sc.input as { file: string }).file));
    let n = 0;
    let snaps = 0;
    for (clock = start; clock < start + 3600_000; clock += sc.intervalS * 1000) {
      await src.pollNow();
      // What publishing every poll would have sent: the same snapshots, serialized.
      const r = adapter.parse(
        { main: bytes },
        {
          source: sc.id,
          fetchedAt: new Date(clock),
          demo: true,
          lang: sc.lang,
          options: sc.options,
          ttlS: sc.ttlS,
        },
      );
      snaps += r.snapshots.length;
      bytesProduced += r.snapshots.reduce((b, s) => b + Buffer.byteLength(JSON.stringify(s)), 0);
      n++;
    }
    polls += n;
    produced += snaps;
    const pub = published - before;
    rows.push([sc.id, sc.intervalS, n, snaps, pub, `${Math.round((1 - pub / snaps) * 100)} %`]);
  }
  return { rows, polls, produced, published, bytesProduced, bytesPublished };
}

export async function run(opts: Partial<BenchOptions> & { quick?: boolean }): Promise<BenchResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const budget = opts.quick ? 60 : 400;
  const rows: (string | number | null)[][] = [];
  const throughput: Record<string, number> = {};
  for (const c of cases(!!opts.quick)) {
    const t = timeParse(c, budget, opts.quick ? 1 : 3);
    const size = inputBytes(c);
    const mbps = Math.round((size / MB / (t.msPer / 1000)) * 100) / 100;
    throughput[c.label] = mbps;
    rows.push([
      c.label,
      c.format,
      Math.round(size / 1024),
      Math.round(t.msPer * 100) / 100,
      mbps,
      t.snapshots,
      t.iterations,
    ]);
    log(`feeds-parse: ${c.label}: ${mbps} MB/s (${t.msPer.toFixed(2)} ms per parse)`);
  }
  const hour = await demoHour();
  const saved = hour.produced - hour.published;
  log(`feeds-parse: demo hour: ${hour.published} publishes instead of ${hour.produced} (${saved} saved)`);
  const summary = {
    throughputMBps: throughput,
    demoHour: {
      polls: hour.polls,
      snapshotsProduced: hour.produced,
      published: hour.published,
      publishesSaved: saved,
      savedPercent: Math.round((saved / hour.produced) * 1000) / 10,
      bytesWithoutDetection: hour.bytesProduced,
      bytesPublished: hour.bytesPublished,
      perSource: Object.fromEntries(
        hour.rows.map((r) => [r[0], { polls: r[2], produced: r[3], published: r[4] }]),
      ),
    },
    quick: !!opts.quick,
  };
  return {
    name: 'feeds',
    title: 'Feed adapters: parse throughput and publishes saved by change detection',
    guide:
      'Each adapter parses its input repeatedly (fresh buffers, so no cache helps); MB/s is input size over time per parse, ' +
      'including validation of every snapshot against the v1 schema. "(real)" rows use the shared fixtures, others are generated ' +
      'documents of the same shapes. Small files measure fixed costs, the large rows measure scaling. ' +
      'The demo hour runs every source of content/feeds.json at its own interval from 09:00 Copenhagen time with a simulated clock.',
    summary,
    table: {
      columns: ['input', 'format', 'KiB', 'ms/parse', 'MB/s', 'snapshots', 'runs'],
      rows: [
        ...rows,
        ['—', '—', null, null, null, null, null],
        ['demo hour: source', 'interval s', 'polls', 'snapshots', 'published', 'saved', null],
        ...hour.rows.map((r) => [...r, null]),
        [
          'total',
          null,
          hour.polls,
          hour.produced,
          hour.published,
          `${summary.demoHour.savedPercent} %`,
          null,
        ],
      ],
    },
    goals: [
      {
        what: 'every adapter parses a real-size document',
        target: '>= 1 MB/s',
        reached: Object.values(throughput).every((v) => v >= 1),
      },
      {
        what: 'change detection saves publishes over a demo hour',
        target: '>= 50 %',
        reached: summary.demoHour.savedPercent >= 50,
      },
    ],
    notes: [
      `Without change detection the demo hour would publish ${(hour.bytesProduced / 1024).toFixed(0)} KiB; with it ${(hour.bytesPublished / 1024).toFixed(0)} KiB.`,
      'Inputs above the per-format size limit (10-20 MB; 200 MB for GTFS zips) are refused before parsing, so a 50 MB file costs only a stat.',
    ],
  };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isMain) {
  const quick = process.argv.includes('--quick');
  run({ quick }).then(
    async (r) => {
      await writeResult(path.resolve('bench-results'), r);
      process.stdout.write(`${JSON.stringify(r.summary, null, 2)}\n`);
      process.stderr.write('wrote bench-results/feeds.json and bench-results/feeds.md\n');
    },
    (e: unknown) => {
      process.stderr.write(`feeds benchmark failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
