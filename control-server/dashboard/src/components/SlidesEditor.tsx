import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalizedText, Slide } from '../../../../protocol/index.ts';
import { ApiError, uploadContent } from '../api.ts';
import { rememberLocalAsset } from '../lib/assets.ts';
import { fmtBytes } from '../lib/format.ts';

export const TEXT_LANGUAGES = [
  { code: 'da', name: 'Dansk' },
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
] as const;

/** Largest upload the UI lets through before asking the server (the server enforces its own limit). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif,video/mp4,video/webm';

export function SlidesEditor({ slides, onChange }: { slides: Slide[]; onChange: (s: Slide[]) => void }) {
  const { t } = useTranslation();
  const set = (i: number, s: Slide) => onChange(slides.map((x, j) => (j === i ? s : x)));
  const move = (i: number, d: number) => {
    const next = [...slides];
    const [s] = next.splice(i, 1);
    if (s) next.splice(i + d, 0, s);
    onChange(next);
  };
  return (
    <div className="slides">
      {slides.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: slides have no ids; order is their identity
        <fieldset key={i} className="slide card">
          <legend>{t('campaign.slideN', { n: i + 1 })}</legend>
          <div className="row wrap">
            <label>
              {t('campaign.slideKind')}
              <select
                value={s.kind}
                onChange={(e) => {
                  const kind = e.target.value as Slide['kind'];
                  if (kind === s.kind) return;
                  if (kind === 'text') set(i, { kind, title: s.title ?? { da: '' }, durationS: s.durationS });
                  else set(i, { ...(s as object), kind, durationS: s.durationS } as Slide);
                }}
              >
                <option value="text">{t('campaign.kind.text')}</option>
                <option value="image">{t('campaign.kind.image')}</option>
                <option value="video">{t('campaign.kind.video')}</option>
              </select>
            </label>
            <label>
              {t('campaign.duration')}
              <input
                type="number"
                min={2}
                max={600}
                value={s.durationS}
                onChange={(e) => set(i, { ...s, durationS: Number(e.target.value) })}
              />
            </label>
            <div className="row push">
              <button
                type="button"
                className="secondary small"
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                {t('campaign.moveUp')}
              </button>
              <button
                type="button"
                className="secondary small"
                disabled={i === slides.length - 1}
                onClick={() => move(i, 1)}
              >
                {t('campaign.moveDown')}
              </button>
              <button
                type="button"
                className="secondary small"
                disabled={slides.length === 1}
                onClick={() => onChange(slides.filter((_, j) => j !== i))}
              >
                {t('campaign.removeSlide')}
              </button>
            </div>
          </div>
          {s.kind !== 'text' && <AssetPicker slide={s} onChange={(x) => set(i, x)} />}
          <TextFields
            legend={t('campaign.title')}
            value={s.title}
            name={`slide-${i}-title`}
            onChange={(title) => set(i, { ...s, title } as Slide)}
          />
          {s.kind === 'text' ? (
            <TextFields
              legend={t('campaign.body')}
              value={s.body}
              multiline
              name={`slide-${i}-body`}
              onChange={(body) => set(i, { ...s, body })}
            />
          ) : (
            <TextFields
              legend={t('campaign.alt')}
              value={s.alt}
              name={`slide-${i}-alt`}
              onChange={(alt) => set(i, { ...s, alt })}
            />
          )}
        </fieldset>
      ))}
      <button
        type="button"
        className="secondary"
        disabled={slides.length >= 50}
        onClick={() => onChange([...slides, { kind: 'text', title: { da: '', en: '' }, durationS: 10 }])}
      >
        {t('campaign.addSlide')}
      </button>
    </div>
  );
}

function TextFields(props: {
  legend: string;
  name: string;
  value: LocalizedText | undefined;
  multiline?: boolean;
  onChange: (v: LocalizedText) => void;
}) {
  return (
    <fieldset className="langs">
      <legend>{props.legend}</legend>
      {TEXT_LANGUAGES.map((l) => {
        const v = props.value?.[l.code] ?? '';
        const change = (text: string) => props.onChange({ ...(props.value ?? {}), [l.code]: text });
        return (
          // biome-ignore lint/a11y/noLabelWithoutControl: the control is the input or textarea below
          <label key={l.code} className="lang-field">
            <span lang={l.code}>{l.name}</span>
            {props.multiline ? (
              <textarea
                name={`${props.name}-${l.code}`}
                lang={l.code}
                value={v}
                rows={2}
                maxLength={2000}
                onChange={(e) => change(e.target.value)}
              />
            ) : (
              <input
                name={`${props.name}-${l.code}`}
                lang={l.code}
                value={v}
                maxLength={2000}
                onChange={(e) => change(e.target.value)}
              />
            )}
          </label>
        );
      })}
    </fieldset>
  );
}

function AssetPicker({
  slide,
  onChange,
}: {
  slide: Extract<Slide, { kind: 'image' | 'video' }> | (Slide & { asset?: undefined });
  onChange: (s: Slide) => void;
}) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const kind = slide.kind as 'image' | 'video';

  async function pick(file: File | undefined) {
    if (!file) return;
    setError(null);
    if (!file.type.startsWith(`${kind}/`)) {
      setError(t('upload.wrongType', { kind: t(`campaign.kind.${kind}`) }));
      return;
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      setError(t('upload.tooLarge', { max: fmtBytes(MAX_UPLOAD_BYTES) }));
      return;
    }
    setProgress({ done: 0, total: file.size });
    try {
      const r = await uploadContent(file, (done, total) => setProgress({ done, total }));
      rememberLocalAsset(r.sha256, file);
      onChange({ ...(slide as object), kind, asset: r, durationS: slide.durationS } as Slide);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 413
          ? t('upload.tooLarge', { max: '' })
          : e instanceof ApiError && e.status === 415
            ? t('upload.wrongType', { kind: t(`campaign.kind.${kind}`) })
            : t('upload.failed', { reason: (e as Error).message }),
      );
    } finally {
      setProgress(null);
    }
  }

  const pct = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  return (
    <div className="asset">
      <label>
        {t('upload.choose', { kind: t(`campaign.kind.${kind}`) })}
        <input
          type="file"
          accept={ACCEPT}
          onChange={(e) => void pick(e.target.files?.[0])}
          disabled={!!progress}
        />
      </label>
      {progress && (
        <div className="progress">
          <progress max={100} value={pct} aria-label={t('upload.progress')} />
          <span aria-live="polite">
            {t('upload.percent', { pct, done: fmtBytes(progress.done), total: fmtBytes(progress.total) })}
          </span>
        </div>
      )}
      {slide.asset && !progress && (
        <p className="muted small">
          {t('upload.done', { size: fmtBytes(slide.asset.size), mime: slide.asset.mime })}{' '}
          <code title={slide.asset.sha256}>{slide.asset.sha256.slice(0, 12)}…</code>
        </p>
      )}
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
