import { createContext, useCallback, useContext } from 'react';
import type { BridgeAction } from '../../bridge/types.ts';

export type Send = (action: BridgeAction) => void;

/** How the views report to the agent (views, touches, plays). */
export const SendContext = createContext<Send>(() => {});

export function useSend(): Send {
  const send = useContext(SendContext);
  return useCallback((a: BridgeAction) => send(a), [send]);
}

/** Renderer options from the URL (previews, tests) that override the screen's config. */
export interface RendererOptions {
  profile: 'street-kiosk' | 'info-screen' | 'parking-post' | 'mobile' | null;
  lang: string | null;
  theme: 'day' | 'night' | null;
  /** Info-screen: hold this page instead of rotating. */
  page: string | null;
  /** Info-screen page time, seconds (default 12). */
  pageS: number;
  /** Shortens the light sensor theme's confirmation and hold times to this (tests, demos); null = default. */
  themeHoldS: number | null;
}

export function optionsFrom(params: URLSearchParams): RendererOptions {
  const profile = params.get('profile');
  const theme = params.get('theme');
  const pageS = Number(params.get('pageS'));
  const holdRaw = params.get('themeHoldS');
  const themeHoldS = holdRaw === null || holdRaw === '' ? Number.NaN : Number(holdRaw);
  return {
    profile:
      profile === 'street-kiosk' ||
      profile === 'info-screen' ||
      profile === 'parking-post' ||
      profile === 'mobile'
        ? profile
        : null,
    lang: params.get('lang'),
    theme: theme === 'day' || theme === 'night' ? theme : null,
    page: params.get('page'),
    pageS: Number.isFinite(pageS) && pageS >= 2 && pageS <= 120 ? pageS : 12,
    themeHoldS: Number.isFinite(themeHoldS) && themeHoldS >= 0 && themeHoldS <= 3600 ? themeHoldS : null,
  };
}

export const OptionsContext = createContext<RendererOptions>(optionsFrom(new URLSearchParams()));
export const useOptions = () => useContext(OptionsContext);
