import { CampaignSchema, decodePayload } from '../../protocol/index.ts';
import type { PlayItem } from '../bridge/types.ts';
import type { MessageCache } from './cache.ts';
import { PLAYABLE_PREFIX } from './ingest.ts';
import type { Logger } from './log.ts';
import { type AgentData, type FeedView, isReady } from './model.ts';

/**
 * The playable version of each campaign: the newest version whose assets are all verified on disk.
 * Until a new version is playable the previous one keeps playing. It only exists on the screen, so
 * it is kept in the message cache under PLAYABLE_PREFIX (the server never sends it back).
 */

/** A playable version read back from the cache at start. */
export function acceptPlayable(data: AgentData, payload: Buffer): 'changed' | 'invalid' {
  const d = decodePayload(CampaignSchema, payload);
  if (!d.ok) return 'invalid';
  data.playable.set(d.value.id, d.value);
  return 'changed';
}

/**
 * Records every campaign whose assets are all verified as the version that may play, and drops the
 * playable versions of campaigns that are gone. Returns how many entries changed.
 */
export function promotePlayable(
  data: AgentData,
  has: (sha: string) => boolean,
  cache: MessageCache,
  log: Logger,
): number {
  let changed = 0;
  for (const [id, c] of data.campaigns) {
    const p = data.playable.get(id);
    if (p === c || (p && p.version === c.version && p.updatedAt === c.updatedAt) || !isReady(c, has))
      continue;
    data.playable.set(id, c);
    changed++;
    // A failed write (a full disk) must not become an unhandled rejection: the cache retries it.
    void cache
      .put(`${PLAYABLE_PREFIX}${id}`, JSON.stringify(c))
      .catch((e: Error) => log.error({ campaignId: id, err: e.message }, 'cache write failed'));
  }
  for (const id of [...data.playable.keys()]) {
    if (data.campaigns.has(id)) continue;
    data.playable.delete(id);
    changed++;
    void cache
      .remove(`${PLAYABLE_PREFIX}${id}`)
      .catch((e: Error) => log.error({ campaignId: id, err: e.message }, 'cache remove failed'));
  }
  return changed;
}

/** Writes the playable versions to the cache again (after clear-cache). */
export async function repersistPlayable(data: AgentData, cache: MessageCache): Promise<void> {
  for (const [id, c] of data.playable) await cache.put(`${PLAYABLE_PREFIX}${id}`, JSON.stringify(c));
}

/** What the kiosk state is derived from, for {@link stateFingerprint}. */
export interface StateInputs {
  dataVersion: number;
  online: boolean;
  liveSeen: boolean;
  identifyUntil: string | null;
  downloads: { pending: number; bytesDone: number; bytesTotal: number };
  view: FeedView;
  playlist: { emergency: { items: readonly PlayItem[] } | null; items: readonly PlayItem[] };
}

/** A cheap fingerprint of everything visible, instead of serializing a state of a megabyte each tick. */
export function stateFingerprint(s: StateInputs): string {
  return [
    s.dataVersion,
    s.online,
    s.liveSeen,
    s.identifyUntil,
    s.downloads.pending,
    s.downloads.bytesDone,
    s.downloads.bytesTotal,
    s.view.health.map((h) => `${h.kind}/${h.id}:${h.state}`).join(','),
    Object.values(s.view.feeds.transport)
      .map((t) => t.departures.length)
      .join(','),
    Object.values(s.view.feeds.events)
      .map((e) => e.events.length)
      .join(','),
    s.playlist.emergency ? playlistKey(s.playlist.emergency.items) : '-',
    playlistKey(s.playlist.items),
  ].join('|');
}

function playlistKey(items: readonly PlayItem[]): string {
  return items
    .map((i) => `${i.campaignId}@${i.campaignVersion}#${i.slideIndex}:${i.assetUrl ?? ''}`)
    .join(',');
}
