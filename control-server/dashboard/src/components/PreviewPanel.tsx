import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskState, PlayItem } from '../../../../kiosk/bridge/types.ts';
import type { Campaign, ScreenConfig, ScreenProfile, Slide } from '../../../../protocol/index.ts';
import { assetUrl, loadAsset } from '../lib/assets.ts';
import { PROFILES } from '../lib/data.ts';
import { TEXT_LANGUAGES } from './SlidesEditor.tsx';

/**
 * The live preview: the real, built kiosk renderer (served read-only at /kiosk-preview/) in an iframe
 * per profile at that profile's native size, scaled down, fed a KioskState by postMessage
 * (`{type: 'stander:state', state}` once it says `{type: 'stander:ready'}`).
 */
export type PreviewCampaign = Pick<Campaign, 'id' | 'name' | 'priority' | 'target' | 'slides'> &
  Partial<Pick<Campaign, 'version' | 'updatedAt' | 'schedule'>>;

export function previewState(
  c: PreviewCampaign,
  profile: ScreenProfile,
  lang: string,
  urlOf: (slide: Slide) => string | null,
): KioskState {
  const now = new Date().toISOString();
  const campaign: Campaign = {
    id: c.id || 'preview',
    name: c.name || 'preview',
    priority: c.priority,
    target: { all: true },
    slides: c.slides,
    version: c.version ?? 1,
    updatedAt: c.updatedAt ?? now,
  };
  const items: PlayItem[] = c.slides.map((slide, slideIndex) => ({
    campaignId: campaign.id,
    campaignVersion: campaign.version,
    priority: campaign.priority,
    slideIndex,
    slide,
    assetUrl: urlOf(slide),
  }));
  const config: ScreenConfig = {
    screenId: 'preview',
    name: 'Preview',
    profile,
    location: { lat: 55.6761, lon: 12.5683 },
    languages: ['da', 'en', 'de'],
    defaultLanguage: lang,
    groups: [],
    tags: [],
    feeds: { transport: [], parking: [], water: [], events: [] },
    displayHours: null,
    healthIntervalS: 30,
    idleTimeoutS: 60,
    version: 1,
    updatedAt: now,
  };
  return {
    screenId: 'preview',
    appVersion: 'preview',
    config,
    connection: { online: true, since: now },
    feeds: { transport: {}, parking: {}, water: {}, events: {} },
    playlist: {
      emergency: campaign.priority === 'emergency' ? { campaign, items } : null,
      items: campaign.priority === 'emergency' ? [] : items,
      computedAt: now,
    },
    downloads: { pending: 0, bytesDone: 0, bytesTotal: 0 },
    display: { on: true, brightness: 100 },
    identifyUntil: null,
    reloadSeq: 0,
    source: 'live',
  };
}

export function PreviewPanel({ campaign }: { campaign: PreviewCampaign }) {
  const { t } = useTranslation();
  const [lang, setLang] = useState('da');
  const [assetsTick, setAssetsTick] = useState(0);

  useEffect(() => {
    for (const s of campaign.slides) {
      if (s.kind !== 'text' && s.asset && !assetUrl(s.asset.sha256)) {
        void loadAsset(s.asset.sha256, s.asset.url).then((u) => u && setAssetsTick((x) => x + 1));
      }
    }
  }, [campaign.slides]);

  return (
    <div className="preview">
      <div className="row wrap">
        <label>
          {t('preview.language')}
          <select value={lang} onChange={(e) => setLang(e.target.value)}>
            {TEXT_LANGUAGES.map((l) => (
              <option key={l.code} value={l.code} lang={l.code}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">{t('preview.hint')}</p>
      </div>
      <div className="preview-frames">
        {PROFILES.map((p) => (
          <PreviewFrame
            key={`${p.id}-${lang}`}
            campaign={campaign}
            profile={p}
            lang={lang}
            tick={assetsTick}
          />
        ))}
      </div>
    </div>
  );
}

function PreviewFrame({
  campaign,
  profile,
  lang,
  tick,
}: {
  campaign: PreviewCampaign;
  profile: (typeof PROFILES)[number];
  lang: string;
  tick: number;
}) {
  const { t } = useTranslation();
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  const boxWidth = profile.width > profile.height ? 360 : 200;
  const scale = boxWidth / profile.width;
  const state = useMemo(() => {
    // `tick` changes when an asset's local URL becomes known: the state must then be rebuilt.
    void tick;
    return previewState(campaign, profile.id, lang, (s) =>
      s.kind === 'text' || !s.asset ? null : assetUrl(s.asset.sha256),
    );
  }, [campaign, profile.id, lang, tick]);

  const latest = useRef(state);
  latest.current = state;
  useEffect(() => {
    const onMessage = (ev: MessageEvent) => {
      if (ev.source !== frame.current?.contentWindow) return;
      if ((ev.data as { type?: string } | null)?.type !== 'stander:ready') return;
      frame.current?.contentWindow?.postMessage(
        { type: 'stander:state', state: latest.current },
        location.origin,
      );
      setReady(true);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);

  useEffect(() => {
    if (!ready) return;
    frame.current?.contentWindow?.postMessage({ type: 'stander:state', state }, location.origin);
  }, [ready, state]);

  const src = `/kiosk-preview/?bridge=preview&profile=${profile.id}&lang=${lang}`;
  return (
    <figure className="preview-frame">
      <div className="preview-box" style={{ width: boxWidth, height: Math.round(profile.height * scale) }}>
        <iframe
          ref={frame}
          src={src}
          title={t('preview.frameTitle', { profile: t(`profile.${profile.id}`) })}
          width={profile.width}
          height={profile.height}
          style={{ transform: `scale(${scale})` }}
          tabIndex={-1}
          data-profile={profile.id}
        />
      </div>
      <figcaption>
        {t(`profile.${profile.id}`)} · {profile.width}×{profile.height}
      </figcaption>
    </figure>
  );
}
