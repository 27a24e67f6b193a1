import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  IdSchema,
  LatLonSchema,
  type ParkingSnapshot,
  TransportModeSchema,
  type TransportSnapshot,
  WaterQualitySchema,
  type WaterSnapshot,
} from '../../../protocol/index.ts';
import { type AdapterContext, type FeedAdapter, FeedParseError } from '../types.ts';
import { CITY_ZONE, MB, iso, isoOfDate, parseJson, textOf } from '../util.ts';
import { DEFAULT_TTL_S, validated } from '../validate.ts';

/*
 * Demo generators: templates under content/demo describe stops, lines, car parks and baths; the
 * adapters turn them into snapshots relative to the fetch time, so that the demo always shows
 * departures ahead, plausible occupancy for the time of day and a water temperature for the season.
 * Everything is a pure function of (template, time): the same minute gives the same snapshot, which is
 * what lets change detection skip publishes.
 */

const TransportTemplate = z.object({
  format: z.literal('stander-demo-transport'),
  stops: z
    .array(
      z.object({
        id: IdSchema,
        name: z.string().min(1),
        location: LatLonSchema,
        lines: z
          .array(
            z.object({
              line: z.string().min(1).max(40),
              mode: TransportModeSchema,
              direction: z.string().min(1),
              headwayMin: z.number().positive().max(240),
              offsetMin: z.number().min(0).default(0),
              track: z.string().max(20).nullable().default(null),
              /** Delays in seconds, applied to successive departures in turn. */
              delaysS: z.array(z.number().int()).default([0]),
              /** Every n-th departure is cancelled (0: never). */
              cancelEvery: z.number().int().min(0).default(0),
              firstHour: z.number().min(0).max(24).default(5),
              lastHour: z.number().min(0).max(26).default(24.5),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
  horizonMin: z.number().positive().max(600).default(60),
  maxDepartures: z.number().int().positive().max(100).default(12),
});

const ParkingTemplate = z.object({
  format: z.literal('stander-demo-parking'),
  zones: z
    .array(
      z.object({
        id: IdSchema,
        name: z.string().min(1),
        location: LatLonSchema,
        total: z.number().int().positive(),
        /** Occupancy share at night and at the daily peak. */
        night: z.number().min(0).max(1),
        peak: z.number().min(0).max(1),
        peakHour: z.number().min(0).max(24).default(14),
      }),
    )
    .min(1),
  slotMin: z.number().int().positive().max(60).default(5),
});

const WaterTemplate = z.object({
  format: z.literal('stander-demo-water'),
  sites: z
    .array(
      z.object({
        id: IdSchema,
        name: z.string().min(1),
        location: LatLonSchema,
        /** Added to the seasonal harbour temperature (sheltered baths run a little warmer). */
        offsetC: z.number().min(-5).max(5).default(0),
        quality: WaterQualitySchema.default('good'),
      }),
    )
    .min(1),
});

function template<T>(schema: z.ZodType<T>, bytes: Uint8Array, what: string): T {
  const r = schema.safeParse(parseJson(textOf(bytes, 2 * MB, what), what));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new FeedParseError(`${what}: ${i?.path.join('.') || 'document'}: ${i?.message ?? 'invalid'}`);
  }
  return r.data;
}

/** A deterministic number in [0, 1) from a string. */
function unit(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

function meta(ctx: AdapterContext, kind: 'transport' | 'parking' | 'water') {
  return {
    fetchedAt: isoOfDate(ctx.fetchedAt),
    ttlS: ctx.ttlS ?? DEFAULT_TTL_S[kind],
    source: ctx.source,
    demo: true,
  };
}

export const demoTransport: FeedAdapter<TransportSnapshot> = {
  format: 'demo-transport',
  kind: 'transport',
  description: 'demo departures generated from content/demo templates, always ahead of the clock',
  maxBytes: 2 * MB,
  detect: (t) => t.includes('"stander-demo-transport"'),
  parse(inputs, ctx) {
    const what = 'demo transport template';
    const t = template(TransportTemplate, inputs.main, what);
    const now = DateTime.fromJSDate(ctx.fetchedAt).setZone(CITY_ZONE).startOf('minute');
    const until = now.plus({ minutes: t.horizonMin });
    const snaps: TransportSnapshot[] = t.stops.map((stop) => {
      const deps: TransportSnapshot['departures'] = [];
      for (const l of stop.lines) {
        // Service days: yesterday (late trips after midnight) and today.
        for (const dayOffset of [-1, 0, 1]) {
          const day = now.startOf('day').plus({ days: dayOffset });
          const first = day.plus({ minutes: l.firstHour * 60 + l.offsetMin });
          const last = day.plus({ minutes: l.lastHour * 60 });
          const k0 = Math.max(
            0,
            Math.floor(now.minus({ minutes: 10 }).diff(first, 'minutes').minutes / l.headwayMin),
          );
          for (let k = k0; ; k++) {
            const planned = first.plus({ minutes: k * l.headwayMin });
            if (planned > last || planned > until) break;
            const n = Math.round(planned.toSeconds() / 60);
            const delay = l.delaysS[n % l.delaysS.length] ?? 0;
            const cancelled = l.cancelEvery > 0 && n % l.cancelEvery === 0;
            const expected = planned.plus({ seconds: delay });
            if ((cancelled ? planned : expected) < now) continue;
            deps.push({
              line: l.line,
              mode: l.mode,
              direction: l.direction,
              plannedAt: iso(planned),
              expectedAt: cancelled ? null : iso(expected),
              delayS: cancelled ? null : delay,
              track: l.track,
              cancelled,
              tripId: `demo-${l.line}-${planned.toFormat('yyyyLLddHHmm')}`,
            });
          }
        }
      }
      deps.sort((a, b) => Date.parse(a.expectedAt ?? a.plannedAt) - Date.parse(b.expectedAt ?? b.plannedAt));
      return {
        kind: 'transport',
        stopId: stop.id,
        stopName: stop.name,
        location: stop.location,
        departures: deps.slice(0, t.maxDepartures),
        observedAt: iso(now),
        ...meta(ctx, 'transport'),
      };
    });
    return validated('transport', snaps, [], what);
  },
};

/** Occupancy share of a zone at a time: a daily curve between night and peak plus small noise. */
function occupancyAt(
  z: z.infer<typeof ParkingTemplate>['zones'][number],
  at: DateTime,
  slot: number,
): number {
  const h = at.hour + at.minute / 60;
  const weekend = at.weekday >= 6 ? 0.85 : 1;
  const curve = Math.exp(-(((h - z.peakHour) / 4.5) ** 2));
  const noise = (unit(`${z.id}|${slot}`) - 0.5) * 0.04;
  return Math.min(1, Math.max(0, z.night + (z.peak * weekend - z.night) * curve + noise));
}

export const demoParking: FeedAdapter<ParkingSnapshot> = {
  format: 'demo-parking',
  kind: 'parking',
  description: 'demo car-park occupancy generated from content/demo templates (daily curve)',
  maxBytes: 2 * MB,
  detect: (t) => t.includes('"stander-demo-parking"'),
  parse(inputs, ctx) {
    const what = 'demo parking template';
    const t = template(ParkingTemplate, inputs.main, what);
    const now = DateTime.fromJSDate(ctx.fetchedAt).setZone(CITY_ZONE);
    const slot = Math.floor(now.toSeconds() / (t.slotMin * 60));
    const at = DateTime.fromSeconds(slot * t.slotMin * 60).setZone(CITY_ZONE);
    const prevAt = at.minus({ minutes: t.slotMin });
    const snaps: ParkingSnapshot[] = t.zones.map((z) => {
      const occ = occupancyAt(z, at, slot);
      const prev = occupancyAt(z, prevAt, slot - 1);
      const free = Math.round(z.total * (1 - occ));
      const prevFree = Math.round(z.total * (1 - prev));
      return {
        kind: 'parking',
        zoneId: z.id,
        name: z.name,
        location: z.location,
        total: z.total,
        free,
        occupancy: Math.round(((z.total - free) / z.total) * 1000) / 1000,
        trend: free < prevFree - 1 ? 'rising' : free > prevFree + 1 ? 'falling' : 'steady',
        status: free === 0 ? 'full' : 'open',
        observedAt: iso(at),
        ...meta(ctx, 'parking'),
      };
    });
    return validated('parking', snaps, [], what);
  },
};

export const demoWater: FeedAdapter<WaterSnapshot> = {
  format: 'demo-water',
  kind: 'water',
  description: 'demo harbour-bath temperatures generated from content/demo templates (season and hour)',
  maxBytes: 2 * MB,
  detect: (t) => t.includes('"stander-demo-water"'),
  parse(inputs, ctx) {
    const what = 'demo water template';
    const t = template(WaterTemplate, inputs.main, what);
    const at = DateTime.fromJSDate(ctx.fetchedAt).setZone(CITY_ZONE).startOf('hour');
    // Copenhagen harbour: about 3 °C in February, 19 °C in early August; air swings wider and by day.
    const season = Math.cos((2 * Math.PI * (at.ordinal - 215)) / 365);
    const daily = Math.cos((2 * Math.PI * (at.hour - 15)) / 24);
    const snaps: WaterSnapshot[] = t.sites.map((s) => ({
      kind: 'water',
      siteId: s.id,
      name: s.name,
      location: s.location,
      waterTempC: Math.round((11 + 8 * season + 0.4 * daily + s.offsetC) * 10) / 10,
      airTempC: Math.round((9.5 + 8.5 * season + 3.5 * daily) * 10) / 10,
      quality: s.quality,
      observedAt: iso(at),
      ...meta(ctx, 'water'),
    }));
    return validated('water', snaps, [], what);
  },
};
