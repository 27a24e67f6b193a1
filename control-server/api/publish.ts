import {
  type Campaign,
  CampaignSchema,
  encodePayload,
  type ScreenConfig,
  ScreenConfigSchema,
  topics,
} from '../../protocol/index.ts';
import type { Bus } from '../bus.ts';
import type { Logger } from '../log.ts';
import type { ScreenRecord, Store } from '../store/index.ts';

/**
 * The server's retained state on the broker: every campaign on v1/campaigns/{id} and every
 * screen's config on v1/screens/{id}/config. Payloads are validated before they go out
 * (encodePayload throws on a bug rather than publish garbage).
 */
const RETAINED = { retain: true, qos: 1 } as const;
const EMPTY = Buffer.alloc(0);

export function screenConfigOf(s: ScreenRecord, mobileBaseUrl?: string): ScreenConfig {
  return {
    screenId: s.id,
    name: s.name,
    profile: s.profile,
    location: s.location,
    languages: s.languages,
    defaultLanguage: s.defaultLanguage,
    groups: s.groups,
    tags: s.tags,
    feeds: s.feeds,
    displayHours: s.displayHours,
    healthIntervalS: s.healthIntervalS,
    idleTimeoutS: s.idleTimeoutS,
    ...(s.theme && s.theme !== 'auto' ? { theme: s.theme } : {}),
    ...(mobileBaseUrl ? { mobileBaseUrl } : {}),
    version: s.configVersion,
    updatedAt: s.updatedAt,
  };
}

export function publishCampaign(bus: Bus, campaign: Campaign): Promise<void> {
  return bus.publish(topics.campaign(campaign.id), encodePayload(CampaignSchema, campaign), RETAINED);
}

/** An empty retained payload deletes the campaign on every screen (and for late joiners). */
export function clearCampaign(bus: Bus, campaignId: string): Promise<void> {
  return bus.publish(topics.campaign(campaignId), EMPTY, RETAINED);
}

export function publishScreenConfig(bus: Bus, screen: ScreenRecord, mobileBaseUrl?: string): Promise<void> {
  return bus.publish(
    topics.screenConfig(screen.id),
    encodePayload(ScreenConfigSchema, screenConfigOf(screen, mobileBaseUrl)),
    RETAINED,
  );
}

/** A decommissioned screen: its retained config and status disappear from the broker. */
export async function clearScreen(bus: Bus, screenId: string): Promise<void> {
  await bus.publish(topics.screenConfig(screenId), EMPTY, RETAINED);
  await bus.publish(topics.screenStatus(screenId), EMPTY, RETAINED);
}

/**
 * Restores the retained state from the database, at start: the broker (embedded, whose retained
 * messages live in memory, or external, which may have lost them) ends up holding exactly what the
 * database says. Deleted campaigns are cleared again in case the crash came before their clear.
 */
export async function republishAll(
  store: Store,
  bus: Bus,
  opts: { log?: Logger; mobileBaseUrl?: string } = {},
): Promise<{ campaigns: number; screens: number; cleared: number; failed: number }> {
  let failed = 0;
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      failed++;
      opts.log?.error({ err, what }, 'republish failed');
    }
  };
  const campaigns = store.listCampaigns();
  const screens = store.listScreens();
  const live = new Set(campaigns.map((c) => c.campaign.id));
  const tombs = store.campaignTombstones().filter((t) => !live.has(t.id));
  await Promise.all([
    ...campaigns.map((c) => attempt(`campaign ${c.campaign.id}`, () => publishCampaign(bus, c.campaign))),
    ...screens.map((s) => attempt(`screen ${s.id}`, () => publishScreenConfig(bus, s, opts.mobileBaseUrl))),
    ...tombs.map((t) => attempt(`tombstone ${t.id}`, () => clearCampaign(bus, t.id))),
  ]);
  opts.log?.info(
    { campaigns: campaigns.length, screens: screens.length, cleared: tombs.length, failed },
    'retained state republished',
  );
  return { campaigns: campaigns.length, screens: screens.length, cleared: tombs.length, failed };
}
