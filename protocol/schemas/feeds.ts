import { z } from 'zod';
import { IdSchema, IsoDateTime, LatLonSchema, LocalizedTextSchema } from './common.ts';

/** Fields every feed snapshot carries: the source's time, our fetch time and how long it stays fresh. */
const snapshotBase = {
  /** When the source measured or produced the data. */
  observedAt: IsoDateTime,
  /** When the control server fetched it. */
  fetchedAt: IsoDateTime,
  /** Seconds after observedAt during which the data counts as current. */
  ttlS: z
    .number()
    .int()
    .positive()
    .max(30 * 24 * 3600),
  /** Which configured source produced it (for diagnostics and attribution). */
  source: z.string().max(200),
  /** Marked true for the demo data shipped in content/demo. */
  demo: z.boolean().optional(),
};

export const TransportModeSchema = z.enum(['bus', 'train', 's-train', 'metro', 'tram', 'ferry', 'other']);
export type TransportMode = z.infer<typeof TransportModeSchema>;

export const DepartureSchema = z.object({
  line: z.string().min(1).max(40),
  mode: TransportModeSchema,
  direction: z.string().max(200),
  plannedAt: IsoDateTime,
  /** Real-time expected departure; null when the source has none. */
  expectedAt: IsoDateTime.nullable(),
  /** Delay in seconds (expected - planned); null without real-time data. */
  delayS: z.number().int().nullable(),
  track: z.string().max(20).nullable(),
  cancelled: z.boolean(),
  tripId: z.string().max(200).optional(),
});
export type Departure = z.infer<typeof DepartureSchema>;

export const TransportSnapshotSchema = z.object({
  kind: z.literal('transport'),
  stopId: IdSchema,
  stopName: z.string().min(1).max(200),
  location: LatLonSchema.optional(),
  departures: z.array(DepartureSchema).max(500),
  ...snapshotBase,
});
export type TransportSnapshot = z.infer<typeof TransportSnapshotSchema>;

export const ParkingTrendSchema = z.enum(['rising', 'falling', 'steady', 'unknown']);

export const ParkingSnapshotSchema = z
  .object({
    kind: z.literal('parking'),
    zoneId: IdSchema,
    name: z.string().min(1).max(200),
    location: LatLonSchema.optional(),
    total: z.number().int().nonnegative(),
    free: z.number().int().nonnegative(),
    /** Occupied share, 0..1. */
    occupancy: z.number().min(0).max(1),
    /** Trend of occupancy (rising = filling up). */
    trend: ParkingTrendSchema,
    status: z.enum(['open', 'closed', 'full', 'unknown']).default('unknown'),
    ...snapshotBase,
  })
  .refine((p) => p.free <= p.total, { message: 'free must not exceed total', path: ['free'] });
export type ParkingSnapshot = z.infer<typeof ParkingSnapshotSchema>;

export const WaterQualitySchema = z.enum(['good', 'warning', 'closed', 'unknown']);
export type WaterQuality = z.infer<typeof WaterQualitySchema>;

export const WaterSnapshotSchema = z.object({
  kind: z.literal('water'),
  siteId: IdSchema,
  name: z.string().min(1).max(200),
  location: LatLonSchema.optional(),
  waterTempC: z.number().min(-5).max(45).nullable(),
  airTempC: z.number().min(-50).max(60).nullable(),
  quality: WaterQualitySchema,
  ...snapshotBase,
});
export type WaterSnapshot = z.infer<typeof WaterSnapshotSchema>;

export const CityEventSchema = z.object({
  id: z.string().min(1).max(300),
  title: LocalizedTextSchema,
  description: LocalizedTextSchema.optional(),
  start: IsoDateTime,
  end: IsoDateTime.nullable(),
  /** All-day events: start/end are midnights in Europe/Copenhagen. */
  allDay: z.boolean(),
  venue: z.string().max(300).nullable(),
  location: LatLonSchema.nullable(),
  category: z.string().max(100).nullable(),
  url: z.url({ protocol: /^https?$/ }).nullable(),
});
export type CityEvent = z.infer<typeof CityEventSchema>;

export const EventsSnapshotSchema = z.object({
  kind: z.literal('events'),
  area: IdSchema,
  events: z.array(CityEventSchema).max(2000),
  ...snapshotBase,
});
export type EventsSnapshot = z.infer<typeof EventsSnapshotSchema>;

export const FeedKindSchema = z.enum(['transport', 'parking', 'water', 'events']);
export type FeedKind = z.infer<typeof FeedKindSchema>;

export const FeedSnapshotSchema = z.discriminatedUnion('kind', [
  TransportSnapshotSchema,
  ParkingSnapshotSchema,
  WaterSnapshotSchema,
  EventsSnapshotSchema,
]);
export type FeedSnapshot = z.infer<typeof FeedSnapshotSchema>;

export const feedSnapshotSchemas = {
  transport: TransportSnapshotSchema,
  parking: ParkingSnapshotSchema,
  water: WaterSnapshotSchema,
  events: EventsSnapshotSchema,
} as const;

/** The topic-level id of a snapshot (stopId, zoneId, siteId or area). */
export function snapshotId(s: FeedSnapshot): string {
  switch (s.kind) {
    case 'transport':
      return s.stopId;
    case 'parking':
      return s.zoneId;
    case 'water':
      return s.siteId;
    case 'events':
      return s.area;
  }
}
