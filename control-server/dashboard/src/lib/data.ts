import type { Campaign, ScreenView } from '../../../../protocol/index.ts';
import { api } from '../api.ts';

/** Tolerant readers of list answers: `[...]` or `{items|screens|campaigns: [...]}`. */
export function asList<T>(x: unknown, ...keys: string[]): T[] {
  if (Array.isArray(x)) return x as T[];
  if (x && typeof x === 'object') {
    for (const k of [...keys, 'items', 'data']) {
      const v = (x as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

/** A campaign from the API, whether it comes bare or inside a record `{campaign, ...}`. */
export function campaignOf(x: unknown): Campaign {
  const o = x as { campaign?: Campaign } & Campaign;
  return o.campaign && typeof o.campaign === 'object' ? o.campaign : o;
}

export async function loadScreens(): Promise<ScreenView[]> {
  return asList<ScreenView>(await api.get<unknown>('/screens'), 'screens');
}

export async function loadCampaigns(): Promise<Campaign[]> {
  return asList<unknown>(await api.get<unknown>('/campaigns'), 'campaigns').map(campaignOf);
}

export type ScreenState = 'online' | 'degraded' | 'offline';

/** Online screens with an active alert or a broken renderer count as degraded. */
export function screenState(s: ScreenView, alerting: ReadonlySet<string>): ScreenState {
  if (!s.online) return 'offline';
  if (alerting.has(s.id)) return 'degraded';
  const h = s.health;
  if (
    h &&
    (h.renderer.state === 'crashed' || h.renderer.state === 'unresponsive' || h.renderer.state === 'blank')
  )
    return 'degraded';
  return 'online';
}

export const STATE_COLORS: Record<ScreenState, string> = {
  online: '#1f9d55',
  degraded: '#e0a100',
  offline: '#c62828',
};

export const PROFILES = [
  { id: 'street-kiosk', width: 1080, height: 1920 },
  { id: 'info-screen', width: 1920, height: 1080 },
  { id: 'parking-post', width: 800, height: 480 },
] as const;
