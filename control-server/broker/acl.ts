import { IdSchema, PROTOCOL_VERSION, filters, parseTopic, topics } from '../../protocol/index.ts';
import type { ScreenChannel } from '../../protocol/index.ts';

/**
 * Who may do what on the broker, exactly as DESIGN.md says. Pure functions, used by the embedded
 * broker's hooks and by the HTTP auth/ACL endpoints that external brokers (EMQX, VerneMQ) call.
 *
 * - a screen publishes only under its own v1/screens/{id}/ (status, health, plays, cmd/result) and
 *   subscribes only to v1/feeds/#, v1/campaigns/# (or narrower filters inside them) and its own
 *   config and cmd;
 * - the public identity (mobile companion, WebSocket only) subscribes to v1/feeds/# (or narrower)
 *   and publishes nothing;
 * - the server's own identity publishes and subscribes anywhere under v1/.
 */
export type Identity =
  | { kind: 'screen'; screenId: string }
  | { kind: 'public' }
  | { kind: 'server'; username: string };

export const PUBLIC_USERNAME = 'public';

/** Channels a screen may publish on, under its own prefix. */
export const SCREEN_PUBLISH_CHANNELS: readonly ScreenChannel[] = ['status', 'health', 'plays', 'cmd/result'];

export function identityLabel(identity: Identity): 'screen' | 'public' | 'server' {
  return identity.kind;
}

export function usernameOf(identity: Identity): string {
  if (identity.kind === 'screen') return identity.screenId;
  if (identity.kind === 'public') return PUBLIC_USERNAME;
  return identity.username;
}

/** A syntactically valid MQTT topic filter (3.1.1 §4.7): `#` only last and alone, `+` alone in its level. */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0 || filter.length > 1024 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] ?? '';
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return false;
    if (l.includes('+') && l !== '+') return false;
  }
  return true;
}

/**
 * True when every topic `filter` can match is also matched by `allowed`, i.e. the filter lies inside the
 * allowed one. `v1/feeds/+/x` is inside `v1/feeds/#`; `+/feeds/#` and `#` are not.
 */
export function filterWithin(filter: string, allowed: string): boolean {
  if (!isValidFilter(filter)) return false;
  const f = filter.split('/');
  const a = allowed.split('/');
  for (let i = 0; i < a.length; i++) {
    const al = a[i];
    if (al === '#') return true;
    const fl = f[i];
    if (fl === undefined) return false;
    if (fl === '#') return false;
    if (al === '+') continue;
    if (fl !== al) return false; // a literal level must be matched literally, never by `+`
  }
  return f.length === a.length;
}

/** Filters a screen may subscribe to (or narrower ones inside them). */
export function screenSubscribeFilters(screenId: string): string[] {
  return [filters.allFeeds, filters.allCampaigns, topics.screenConfig(screenId), topics.screenCmd(screenId)];
}

export const PUBLIC_SUBSCRIBE_FILTERS: readonly string[] = [filters.allFeeds];
const SERVER_FILTER = `${PROTOCOL_VERSION}/#`;

export function canSubscribe(identity: Identity, filter: string): boolean {
  if (filter.startsWith('$')) return false; // $SYS/#, $share/... : never
  let allowed: readonly string[];
  if (identity.kind === 'screen') allowed = screenSubscribeFilters(identity.screenId);
  else if (identity.kind === 'public') allowed = PUBLIC_SUBSCRIBE_FILTERS;
  else allowed = [SERVER_FILTER];
  return allowed.some((a) => filterWithin(filter, a));
}

export function canPublish(identity: Identity, topic: string): boolean {
  if (topic.length === 0 || topic.includes('+') || topic.includes('#') || topic.startsWith('$')) return false;
  if (identity.kind === 'public') return false;
  if (identity.kind === 'server') return topic.startsWith(`${PROTOCOL_VERSION}/`);
  const parsed = parseTopic(topic);
  return (
    parsed !== null &&
    parsed.kind === 'screen' &&
    parsed.screenId === identity.screenId &&
    SCREEN_PUBLISH_CHANNELS.includes(parsed.channel)
  );
}

/**
 * The MQTT client id must be the username itself or `{username}:{suffix}`. `:` cannot occur in an id,
 * so no identity can pick a client id that another identity may use, and nobody can take over (and
 * thereby disconnect) another screen's session.
 */
export const CLIENT_ID_SEPARATOR = ':';
export function clientIdAllowed(username: string, clientId: string): boolean {
  return clientId === username || clientId.startsWith(`${username}${CLIENT_ID_SEPARATOR}`);
}

/** A username that can name a screen (the public and server names are reserved). */
export function isScreenUsername(username: string, serverUsername: string): boolean {
  return username !== PUBLIC_USERNAME && username !== serverUsername && IdSchema.safeParse(username).success;
}
