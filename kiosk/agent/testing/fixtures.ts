import { createHash } from 'node:crypto';
import type {
  AssetRef,
  Campaign,
  ScreenConfig,
  TransportSnapshot,
  WaterSnapshot,
} from '../../../protocol/index.ts';

/** Valid v1 messages for agent tests. */

export function screenConfig(screenId: string, over: Partial<ScreenConfig> = {}): ScreenConfig {
  return {
    screenId,
    name: `Screen ${screenId}`,
    profile: 'street-kiosk',
    location: { lat: 55.6761, lon: 12.5683 },
    languages: ['da', 'en', 'de'],
    defaultLanguage: 'da',
    groups: ['centre'],
    tags: ['touch'],
    feeds: { transport: ['stop-1'], parking: [], water: ['bath-1'], events: [] },
    displayHours: null,
    healthIntervalS: 30,
    idleTimeoutS: 60,
    version: 1,
    updatedAt: new Date().toISOString(),
    ...over,
  };
}

export function transportSnapshot(stopId: string, now = Date.now(), ttlS = 60): TransportSnapshot {
  const at = (min: number) => new Date(now + min * 60_000).toISOString();
  return {
    kind: 'transport',
    stopId,
    stopName: 'Rådhuspladsen',
    departures: [
      {
        line: '2A',
        mode: 'bus',
        direction: 'Refshaleøen',
        plannedAt: at(-2),
        expectedAt: at(-1),
        delayS: 60,
        track: null,
        cancelled: false,
      },
      {
        line: '5C',
        mode: 'bus',
        direction: 'Husum',
        plannedAt: at(3),
        expectedAt: at(4),
        delayS: 60,
        track: null,
        cancelled: false,
      },
      {
        line: 'M3',
        mode: 'metro',
        direction: 'Cityringen',
        plannedAt: at(6),
        expectedAt: null,
        delayS: null,
        track: '1',
        cancelled: false,
      },
    ],
    observedAt: new Date(now).toISOString(),
    fetchedAt: new Date(now).toISOString(),
    ttlS,
    source: 'test',
  };
}

export function waterSnapshot(siteId: string, now = Date.now(), ttlS = 3600): WaterSnapshot {
  return {
    kind: 'water',
    siteId,
    name: 'Islands Brygge',
    waterTempC: 18.5,
    airTempC: 21,
    quality: 'good',
    observedAt: new Date(now).toISOString(),
    fetchedAt: new Date(now).toISOString(),
    ttlS,
    source: 'test',
  };
}

export function assetOf(bytes: Buffer, mime = 'image/png'): AssetRef {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { sha256, size: bytes.length, mime, url: `/content/${sha256}` };
}

export function textCampaign(id: string, over: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: `Campaign ${id}`,
    priority: 'normal',
    target: { all: true },
    slides: [{ kind: 'text', title: { da: 'Hej', en: 'Hello' }, durationS: 10 }],
    version: 1,
    updatedAt: new Date().toISOString(),
    ...over,
  };
}

export function imageCampaign(id: string, asset: AssetRef, over: Partial<Campaign> = {}): Campaign {
  return textCampaign(id, {
    slides: [
      { kind: 'image', asset, alt: { en: 'A picture' }, durationS: 8 },
      { kind: 'text', title: { en: 'Welcome' }, durationS: 5 },
    ],
    ...over,
  });
}
