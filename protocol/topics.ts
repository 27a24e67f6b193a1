import { PROTOCOL_VERSION } from './version.ts';
import { IdSchema } from './schemas/common.ts';
import type { FeedKind } from './schemas/feeds.ts';

/**
 * Every MQTT topic of the v1 contract. No other module assembles topic strings:
 * build them here, and parse incoming topics with parseTopic().
 */
const V = PROTOCOL_VERSION;

function id(value: string, what: string): string {
  const r = IdSchema.safeParse(value);
  if (!r.success) throw new Error(`invalid ${what} "${value}": ${r.error.issues[0]?.message ?? 'bad id'}`);
  return value;
}

export type ScreenChannel = 'config' | 'cmd' | 'cmd/result' | 'status' | 'health' | 'plays';
export const SCREEN_CHANNELS: readonly ScreenChannel[] = [
  'config',
  'cmd',
  'cmd/result',
  'status',
  'health',
  'plays',
];

export const topics = {
  feed: (kind: FeedKind, feedId: string) => `${V}/feeds/${kind}/${id(feedId, `${kind} feed id`)}`,
  campaign: (campaignId: string) => `${V}/campaigns/${id(campaignId, 'campaign id')}`,
  screen: (screenId: string, channel: ScreenChannel) =>
    `${V}/screens/${id(screenId, 'screen id')}/${channel}`,
  screenConfig: (screenId: string) => topics.screen(screenId, 'config'),
  screenCmd: (screenId: string) => topics.screen(screenId, 'cmd'),
  screenCmdResult: (screenId: string) => topics.screen(screenId, 'cmd/result'),
  screenStatus: (screenId: string) => topics.screen(screenId, 'status'),
  screenHealth: (screenId: string) => topics.screen(screenId, 'health'),
  screenPlays: (screenId: string) => topics.screen(screenId, 'plays'),
} as const;

/** Subscription filters. */
export const filters = {
  allFeeds: `${V}/feeds/#`,
  feedsOfKind: (kind: FeedKind) => `${V}/feeds/${kind}/+`,
  allCampaigns: `${V}/campaigns/#`,
  /** What the server listens to from screens. */
  allScreenChannel: (channel: Exclude<ScreenChannel, 'config' | 'cmd'>) => `${V}/screens/+/${channel}`,
  allScreens: `${V}/screens/#`,
} as const;

export type ParsedTopic =
  | { kind: 'feed'; feed: FeedKind; id: string }
  | { kind: 'campaign'; id: string }
  | { kind: 'screen'; screenId: string; channel: ScreenChannel };

const FEED_KINDS = new Set<string>(['transport', 'parking', 'water', 'events']);

const ID_CHARS = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * IdSchema's rule as a plain test, for parseTopic: it runs several times on every message a screen
 * sends (ACL, validation, presence, health, the dashboard), where a zod parse per id level cost
 * more than the rest of the topic handling. topics.test.ts checks that it agrees with IdSchema.
 */
export function isId(s: string): boolean {
  return ID_CHARS.test(s) && s !== '.' && s !== '..';
}

// At module level, not inside parseTopic: tsx (esbuild keepNames) wraps every closure in __name(),
// an Object.defineProperty per call, which cost more than the rest of parseTopic put together.
const valid = (s: string | undefined): s is string => s !== undefined && isId(s);

/**
 * Topics parsed so far (the set is small and fixed: a few per screen, feed and campaign). The server
 * parses each incoming topic several times (ACL, validation, presence, health, dashboard); a lookup
 * is a fraction of a split and test. Bounded: cleared when full (a client cannot grow it forever).
 */
const parsedTopics = new Map<string, Readonly<ParsedTopic> | null>();
const PARSED_TOPICS_MAX = 100_000;

/** Parses a concrete topic (no wildcards) of the v1 contract; null for anything else. The result is frozen. */
export function parseTopic(topic: string): Readonly<ParsedTopic> | null {
  const hit = parsedTopics.get(topic);
  if (hit !== undefined) return hit;
  const parsed = parseTopicOnce(topic);
  if (parsedTopics.size >= PARSED_TOPICS_MAX) parsedTopics.clear();
  parsedTopics.set(topic, parsed && Object.freeze(parsed));
  return parsed;
}

function parseTopicOnce(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== V) return null;
  if (parts[1] === 'feeds' && parts.length === 4 && FEED_KINDS.has(parts[2] ?? '') && valid(parts[3])) {
    return { kind: 'feed', feed: parts[2] as FeedKind, id: parts[3] };
  }
  if (parts[1] === 'campaigns' && parts.length === 3 && valid(parts[2])) {
    return { kind: 'campaign', id: parts[2] };
  }
  if (parts[1] === 'screens' && valid(parts[2])) {
    const channel = parts.slice(3).join('/');
    if ((SCREEN_CHANNELS as readonly string[]).includes(channel)) {
      return { kind: 'screen', screenId: parts[2], channel: channel as ScreenChannel };
    }
  }
  return null;
}

/** MQTT topic-filter matching (`+` one level, `#` the rest), per MQTT 3.1.1 section 4.7. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && !filter.startsWith('$')) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const seg = f[i];
    if (seg === '#') return true;
    if (i >= t.length) return false;
    if (seg !== '+' && seg !== t[i]) return false;
  }
  return f.length === t.length;
}
