import type { KioskState } from '../../../bridge/types.ts';
import { emptyKioskState } from '../../../bridge/types.ts';
import {
  type FeedKind,
  MAX_PAYLOAD_BYTES,
  describeZodError,
  feedSnapshotSchemas,
  parseTopic,
} from '../../../../protocol/index.ts';

export type Feeds = KioskState['feeds'];
export const FEED_KINDS: readonly FeedKind[] = ['transport', 'water', 'parking', 'events'];
export const STORAGE_KEY = 'stander.mobile.feeds.v1';
const COPENHAGEN = { lat: 55.6761, lon: 12.5683 };

export function emptyFeeds(): Feeds {
  return { transport: {}, parking: {}, water: {}, events: {} };
}

/**
 * Applies one retained feed message to `feeds` (a new object when it changed, the same when not).
 * The payload is validated with the protocol schema of its topic; an empty payload removes the feed;
 * an invalid one, or one older than what is held, is ignored. Returns the reason when it is ignored.
 */
export function applyFeedMessage(
  feeds: Feeds,
  topic: string,
  payload: Uint8Array,
): { feeds: Feeds; ignored: string | null } {
  const t = parseTopic(topic);
  if (t?.kind !== 'feed') return { feeds, ignored: 'not a feed topic' };
  const current = feeds[t.feed] as Record<string, { observedAt: string }>;
  if (payload.length === 0) {
    if (!(t.id in current)) return { feeds, ignored: null };
    const { [t.id]: _gone, ...rest } = current;
    return { feeds: { ...feeds, [t.feed]: rest }, ignored: null };
  }
  // protocol/decode.ts needs Node's Buffer; the same rules here with the browser's TextDecoder.
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return { feeds, ignored: 'payload too large' };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (e) {
    return { feeds, ignored: `not JSON: ${(e as Error).message}` };
  }
  const d = feedSnapshotSchemas[t.feed].safeParse(json);
  if (!d.success) return { feeds, ignored: describeZodError(d.error) };
  const old = current[t.id];
  if (old && Date.parse(old.observedAt) > Date.parse(d.data.observedAt))
    return { feeds, ignored: 'older than the one held' };
  return { feeds: { ...feeds, [t.feed]: { ...current, [t.id]: d.data } }, ignored: null };
}

/** The last feeds saved on this phone, each snapshot validated again (storage is not trusted). */
export function loadFeeds(storage: Pick<Storage, 'getItem'> | null): Feeds {
  const out = emptyFeeds();
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null');
  } catch {
    return out;
  }
  if (!raw || typeof raw !== 'object') return out;
  for (const kind of FEED_KINDS) {
    const group = (raw as Record<string, unknown>)[kind];
    if (!group || typeof group !== 'object') continue;
    for (const [id, snap] of Object.entries(group)) {
      const r = feedSnapshotSchemas[kind].safeParse(snap);
      if (r.success) (out[kind] as Record<string, unknown>)[id] = r.data;
    }
  }
  return out;
}

export function saveFeeds(storage: Pick<Storage, 'setItem'> | null, feeds: Feeds): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(feeds));
  } catch {
    // full or disabled storage: the app still works, it just cannot show old data offline
  }
}

/** Newest observation time among all held feeds (ms), or null. */
export function newestObservation(feeds: Feeds): number | null {
  let best: number | null = null;
  for (const kind of FEED_KINDS) {
    for (const s of Object.values(feeds[kind] as Record<string, { observedAt: string }>)) {
      const t = Date.parse(s.observedAt);
      if (Number.isFinite(t) && (best === null || t > best)) best = t;
    }
  }
  return best;
}

/**
 * The state the shared renderer components read: a config that "subscribes" to every feed held,
 * in a stable order, and the link state. The phone is no screen: its id is a constant.
 */
export function mobileState(feeds: Feeds, online: boolean, since: string | null): KioskState {
  const s = emptyKioskState('mobile', 'mobile');
  const ids = (k: FeedKind) => Object.keys(feeds[k]).sort((a, b) => a.localeCompare(b));
  s.feeds = feeds;
  s.connection = { online, since };
  s.source = online ? 'live' : 'cache';
  s.config = {
    screenId: 'mobile',
    name: 'mobile',
    profile: 'street-kiosk',
    location: COPENHAGEN,
    languages: ['da', 'en', 'de'],
    defaultLanguage: 'da',
    groups: [],
    tags: [],
    feeds: {
      transport: ids('transport'),
      parking: ids('parking'),
      water: ids('water'),
      events: ids('events'),
    },
    displayHours: null,
    healthIntervalS: 30,
    idleTimeoutS: 3600,
    version: 1,
    updatedAt: new Date(0).toISOString(),
  };
  return s;
}
