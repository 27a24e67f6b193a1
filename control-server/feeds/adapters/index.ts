import type { FeedKind } from '../../../protocol/index.ts';
import type { AnyAdapter } from '../types.ts';
import { datex2Adapter } from './datex2.ts';
import { demoParking, demoTransport, demoWater } from './demo.ts';
import { gtfsAdapter } from './gtfs.ts';
import { icalAdapter } from './ical.ts';
import { jsonLdAdapter } from './jsonld.ts';
import { ckanAarhusAdapter, parkingListAdapter } from './parking-json.ts';
import { rejseplanenJson, rejseplanenLegacy, rejseplanenXml } from './rejseplanen.ts';
import { bathingWaterAdapter, dmiOceanObsAdapter } from './water.ts';

/** Every adapter, by format id (the `format` of a source in content/feeds.json). */
export const ADAPTERS: readonly AnyAdapter[] = [
  rejseplanenXml,
  rejseplanenJson,
  rejseplanenLegacy,
  gtfsAdapter,
  datex2Adapter,
  ckanAarhusAdapter,
  parkingListAdapter,
  dmiOceanObsAdapter,
  bathingWaterAdapter,
  icalAdapter,
  jsonLdAdapter,
  demoTransport,
  demoParking,
  demoWater,
];

export const FORMAT_IDS = ADAPTERS.map((a) => a.format);

export function adapterFor(format: string): AnyAdapter | undefined {
  return ADAPTERS.find((a) => a.format === format);
}

/** Guesses the format of a document of a given kind from its first bytes (for the CLI). */
export function detectFormat(kind: FeedKind, bytes: Uint8Array): AnyAdapter | undefined {
  const head = Buffer.from(bytes.subarray(0, 64 * 1024)).toString('latin1');
  let text = head;
  try {
    text = new TextDecoder('utf-8').decode(bytes.subarray(0, 64 * 1024));
  } catch {
    text = head;
  }
  return ADAPTERS.find((a) => a.kind === kind && a.detect(a.format === 'gtfs' ? head : text));
}
