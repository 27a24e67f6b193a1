import {
  CampaignSchema,
  decodePayload,
  feedSnapshotSchemas,
  parseTopic,
  ScreenConfigSchema,
  snapshotId,
  topics,
} from '../../protocol/index.ts';
import { type AgentData, FEED_KINDS, feedSnapshotsOf } from './model.ts';

/** Cache key of the last fully verified version of a campaign (lives only on the screen). */
export const PLAYABLE_PREFIX = 'local/playable/';

export type CacheOp = { op: 'put'; key: string; payload: Buffer } | { op: 'remove'; key: string };

export interface IngestOutcome {
  result: 'changed' | 'same' | 'ignored' | 'invalid';
  /** Why a message was invalid. */
  error?: string;
  /** What the on-disk cache must do to mirror the change. */
  cacheOps: CacheOp[];
  configChanged: boolean;
}

const outcome = (result: IngestOutcome['result'], extra: Partial<IngestOutcome> = {}): IngestOutcome => ({
  result,
  cacheOps: [],
  configChanged: false,
  ...extra,
});

/**
 * Applies one MQTT message (validated with protocol/) to the agent's data. Pure apart from `data`:
 * - config: only this screen's; feeds the new config no longer names are forgotten;
 * - campaign: an empty payload deletes it; otherwise the retained message is the truth;
 * - feed: only feeds the config names; never goes back to an older observation.
 */
export function ingest(data: AgentData, screenId: string, topic: string, payload: Buffer): IngestOutcome {
  const parsed = parseTopic(topic);
  if (!parsed) return outcome('ignored');
  const put = (): CacheOp => ({ op: 'put', key: topic, payload });
  if (parsed.kind === 'screen') {
    if (parsed.screenId !== screenId || parsed.channel !== 'config') return outcome('ignored');
    // A cleared config (the screen was removed): keep showing the last one; the broker will refuse
    // the token next time anyway.
    if (payload.length === 0) return outcome('ignored');
    const d = decodePayload(ScreenConfigSchema, payload);
    if (!d.ok) return outcome('invalid', { error: d.error });
    if (d.value.screenId !== screenId)
      return outcome('invalid', { error: `config of "${d.value.screenId}"` });
    if (JSON.stringify(d.value) === JSON.stringify(data.config)) return outcome('same');
    data.config = d.value;
    const cacheOps: CacheOp[] = [put()];
    for (const kind of FEED_KINDS) {
      const map = feedSnapshotsOf(data, kind);
      for (const id of [...map.keys()]) {
        if (d.value.feeds[kind].includes(id)) continue;
        map.delete(id);
        cacheOps.push({ op: 'remove', key: topics.feed(kind, id) });
      }
    }
    return outcome('changed', { cacheOps, configChanged: true });
  }
  if (parsed.kind === 'campaign') {
    if (payload.length === 0) {
      const had = data.campaigns.delete(parsed.id) || data.playable.has(parsed.id);
      data.playable.delete(parsed.id);
      return outcome(had ? 'changed' : 'same', {
        cacheOps: [
          { op: 'remove', key: topic },
          { op: 'remove', key: `${PLAYABLE_PREFIX}${parsed.id}` },
        ],
      });
    }
    const d = decodePayload(CampaignSchema, payload);
    if (!d.ok) return outcome('invalid', { error: d.error });
    if (d.value.id !== parsed.id) return outcome('invalid', { error: 'id does not match topic' });
    // The retained message is the truth, even with a lower version (a server restored from backup).
    const prev = data.campaigns.get(parsed.id);
    if (prev && JSON.stringify(prev) === JSON.stringify(d.value)) return outcome('same');
    data.campaigns.set(parsed.id, d.value);
    return outcome('changed', { cacheOps: [put()] });
  }
  if (!data.config?.feeds[parsed.feed].includes(parsed.id)) return outcome('ignored');
  const d = decodePayload(feedSnapshotSchemas[parsed.feed], payload);
  if (!d.ok) return outcome('invalid', { error: d.error });
  if (snapshotId(d.value) !== parsed.id) return outcome('invalid', { error: 'id does not match topic' });
  const map = feedSnapshotsOf(data, parsed.feed);
  const prev = map.get(parsed.id);
  if (prev && Date.parse(prev.observedAt) > Date.parse(d.value.observedAt)) return outcome('same');
  if (prev && JSON.stringify(prev) === JSON.stringify(d.value)) return outcome('same');
  map.set(parsed.id, d.value);
  return outcome('changed', { cacheOps: [put()] });
}
