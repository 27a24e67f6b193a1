import type {
  EventsSnapshot,
  FeedKind,
  FeedSnapshot,
  ParkingSnapshot,
  TransportSnapshot,
  WaterSnapshot,
} from '../../protocol/index.ts';

/** What an adapter knows besides the bytes: the source's name, the clock, and per-source options. */
export interface AdapterContext {
  /** Configured source id, copied into every snapshot's `source`. */
  source: string;
  /** When the bytes were fetched (the clock of the poller, or of the CLI). */
  fetchedAt: Date;
  /** Seconds the data stays current after observedAt; adapters have kind-specific defaults. */
  ttlS?: number;
  /** Marks snapshots as demo data. */
  demo?: boolean;
  /** Language of texts that carry no language of their own (iCalendar SUMMARY without LANGUAGE, ...). */
  lang?: string;
  /** Events: the display window. */
  window?: { from: Date; to: Date };
  /** Format-specific options from the source configuration (stop mapping, station mapping, ...). */
  options?: Record<string, unknown>;
}

/** Inputs of one parse: the main document and, for some formats, companions (GTFS realtime, DATEX status). */
export type AdapterInputs = { main: Uint8Array } & Partial<Record<string, Uint8Array>>;

export interface ParseResult<S extends FeedSnapshot = FeedSnapshot> {
  snapshots: S[];
  /** Things dropped or repaired, one short line each (logged and counted, never fatal). */
  warnings: string[];
}

export interface FeedAdapter<S extends FeedSnapshot = FeedSnapshot> {
  /** Format id used in content/feeds.json and by the CLI. */
  format: string;
  kind: S['kind'];
  /** One line for `npm run feeds -- formats` and errors. */
  description: string;
  /** Upper bound of the main input's size in bytes; larger inputs are refused before parsing. */
  maxBytes: number;
  /** Cheap content sniffing for the CLI's auto-detection. */
  detect(text: string): boolean;
  parse(inputs: AdapterInputs, ctx: AdapterContext): ParseResult<S>;
}

export type AnyAdapter =
  | FeedAdapter<TransportSnapshot>
  | FeedAdapter<ParkingSnapshot>
  | FeedAdapter<WaterSnapshot>
  | FeedAdapter<EventsSnapshot>;

/** A document that cannot be turned into snapshots. The message is one line, fit for an operator. */
export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
}

export type { FeedKind };
