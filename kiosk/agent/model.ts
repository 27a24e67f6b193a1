import {
  type AssetRef,
  type Campaign,
  type EventsSnapshot,
  type FeedKind,
  type FeedSnapshot,
  type Freshness,
  freshnessOf,
  isTargeted,
  type ParkingSnapshot,
  type ScreenConfig,
  type ScreenIdentity,
  type Slide,
  type TransportSnapshot,
  type WaterSnapshot,
  whatPlays,
} from '../../protocol/index.ts';
import type { PlayItem, Playlist } from '../bridge/types.ts';
import { sha256Hex } from './cache.ts';

/** Everything the agent knows, in memory; the on-disk cache mirrors it. */
export interface AgentData {
  config: ScreenConfig | null;
  feeds: {
    transport: Map<string, TransportSnapshot>;
    parking: Map<string, ParkingSnapshot>;
    water: Map<string, WaterSnapshot>;
    events: Map<string, EventsSnapshot>;
  };
  /** The newest version received of every campaign. */
  campaigns: Map<string, Campaign>;
  /** The newest version of every campaign whose assets were all verified: what keeps playing meanwhile. */
  playable: Map<string, Campaign>;
}

export const FEED_KINDS: readonly FeedKind[] = ['transport', 'parking', 'water', 'events'];

export function emptyData(): AgentData {
  return {
    config: null,
    feeds: { transport: new Map(), parking: new Map(), water: new Map(), events: new Map() },
    campaigns: new Map(),
    playable: new Map(),
  };
}

export function identityOf(config: ScreenConfig): ScreenIdentity {
  return { id: config.screenId, groups: config.groups, tags: config.tags, location: config.location };
}

export function slideAsset(slide: Slide): AssetRef | null {
  return slide.kind === 'text' ? null : slide.asset;
}

export function assetsOf(c: Campaign): AssetRef[] {
  return c.slides.map(slideAsset).filter((a): a is AssetRef => a !== null);
}

export function isReady(c: Campaign, has: (sha: string) => boolean): boolean {
  return assetsOf(c).every((a) => has(a.sha256));
}

export function feedSnapshotsOf(data: AgentData, kind: FeedKind): Map<string, FeedSnapshot> {
  return data.feeds[kind] as Map<string, FeedSnapshot>;
}

/**
 * The version of each campaign that may be shown: the newest if its assets are verified, else
 * the last fully verified one. An emergency plays at once with whatever slides are ready.
 */
function candidates(
  data: AgentData,
  has: (sha: string) => boolean,
): { campaign: Campaign; partial: boolean }[] {
  const out: { campaign: Campaign; partial: boolean }[] = [];
  for (const [id, latest] of data.campaigns) {
    if (isReady(latest, has)) out.push({ campaign: latest, partial: false });
    else if (data.playable.has(id)) out.push({ campaign: data.playable.get(id)!, partial: false });
    else if (latest.priority === 'emergency') out.push({ campaign: latest, partial: true });
  }
  return out;
}

function itemsOf(c: Campaign, has: (sha: string) => boolean, assetUrl: (sha: string) => string): PlayItem[] {
  const items: PlayItem[] = [];
  c.slides.forEach((slide, slideIndex) => {
    const asset = slideAsset(slide);
    if (asset && !has(asset.sha256)) return;
    items.push({
      campaignId: c.id,
      campaignVersion: c.version,
      priority: c.priority,
      slideIndex,
      slide,
      assetUrl: asset ? assetUrl(asset.sha256) : null,
    });
  });
  return items;
}

export function buildPlaylist(
  data: AgentData,
  has: (sha: string) => boolean,
  now: number,
  assetUrl: (sha: string) => string,
): Playlist {
  const computedAt = new Date(now).toISOString();
  if (!data.config) return { emergency: null, items: [], computedAt };
  const cands = candidates(data, has);
  const r = whatPlays(
    cands.map((c) => c.campaign),
    identityOf(data.config),
    now,
  );
  let emergency: Playlist['emergency'] = null;
  for (const e of r.emergencies) {
    const items = itemsOf(e, has, assetUrl);
    if (items.length > 0) {
      emergency = { campaign: e, items };
      break;
    }
  }
  return { emergency, items: r.campaigns.flatMap((c) => itemsOf(c, has, assetUrl)), computedAt };
}

const PRIORITY_RANK = { emergency: 0, high: 1, normal: 2 } as const;

/**
 * Every asset this screen needs, most urgent first: campaigns aimed at this screen that have not
 * ended, emergencies first, those playing now before future ones; plus what plays meanwhile.
 */
export function wantedAssets(data: AgentData, now: number): AssetRef[] {
  if (!data.config) return [];
  const me = identityOf(data.config);
  const activeNow = new Set(whatPlays(data.campaigns.values(), me, now).campaigns.map((c) => c.id));
  const relevant = [...data.campaigns.values()].filter(
    (c) => isTargeted(c.target, me) && !(c.schedule?.end && Date.parse(c.schedule.end) <= now),
  );
  relevant.sort(
    (a, b) =>
      PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
      Number(activeNow.has(b.id)) - Number(activeNow.has(a.id)),
  );
  const out = relevant.flatMap(assetsOf);
  for (const c of data.playable.values()) out.push(...assetsOf(c));
  return out;
}

/** A departures board without the departures that have already left. */
export function withoutDeparted(s: TransportSnapshot, now: number): TransportSnapshot {
  const departures = s.departures.filter((d) => Date.parse(d.expectedAt ?? d.plannedAt) >= now);
  return departures.length === s.departures.length ? s : { ...s, departures };
}

/** An events list without the events that have ended. */
export function withoutEnded(s: EventsSnapshot, now: number): EventsSnapshot {
  const events = s.events.filter((e) => e.end === null || Date.parse(e.end) > now);
  return events.length === s.events.length ? s : { ...s, events };
}

export interface FeedView {
  feeds: {
    transport: Record<string, TransportSnapshot>;
    parking: Record<string, ParkingSnapshot>;
    water: Record<string, WaterSnapshot>;
    events: Record<string, EventsSnapshot>;
  };
  freshness: Record<FeedKind, Record<string, Freshness>>;
  /** For health: every feed the config names, with its age and state. */
  health: { kind: FeedKind; id: string; ageS: number | null; state: Freshness | 'missing' }[];
}

export function feedView(data: AgentData, now: number): FeedView {
  const view: FeedView = {
    feeds: { transport: {}, parking: {}, water: {}, events: {} },
    freshness: { transport: {}, parking: {}, water: {}, events: {} },
    health: [],
  };
  for (const kind of FEED_KINDS) {
    for (const id of data.config?.feeds[kind] ?? []) {
      const snap = feedSnapshotsOf(data, kind).get(id);
      if (!snap) {
        view.health.push({ kind, id, ageS: null, state: 'missing' });
        continue;
      }
      const f = freshnessOf(snap, now);
      view.freshness[kind][id] = f.state;
      view.health.push({ kind, id, ageS: Number.isFinite(f.ageS) ? f.ageS : null, state: f.state });
      const shown =
        snap.kind === 'transport'
          ? withoutDeparted(snap, now)
          : snap.kind === 'events'
            ? withoutEnded(snap, now)
            : snap;
      (view.feeds[kind] as Record<string, FeedSnapshot>)[id] = shown;
    }
  }
  return view;
}

/**
 * The campaigns this screen holds ready to play, as {id, version}: published in status and health
 * (`campaigns`) so the dashboard can count delivery per campaign. Same set as contentVersionOf.
 */
export function heldCampaignsOf(
  data: AgentData,
  has: (sha: string) => boolean,
): { id: string; version: number }[] {
  return candidates(data, has)
    .filter((c) => !c.partial)
    .map((c) => ({ id: c.campaign.id, version: c.campaign.version }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, 1000);
}

/** A short fingerprint of what this screen can play: changes whenever a playable campaign does. */
export function contentVersionOf(data: AgentData, has: (sha: string) => boolean): string {
  const parts = candidates(data, has)
    .filter((c) => !c.partial)
    .map((c) => `${c.campaign.id}@${c.campaign.version}`)
    .sort();
  if (parts.length === 0) return 'none';
  return `${parts.length}-${sha256Hex(parts.join(',')).slice(0, 12)}`;
}
