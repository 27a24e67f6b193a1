import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { PlayItem } from '../../../bridge/types.ts';
import { useSend } from '../context.ts';
import { pick } from '../lib/localized.ts';

/** Plays slides in order, each for its durationS, crossfading (~0.5 s, opacity only) and reporting plays. */
export function SlidePlayer({
  items,
  render,
  fallback,
  className = '',
}: {
  items: PlayItem[];
  render: (item: PlayItem) => ReactNode;
  fallback?: ReactNode;
  className?: string;
}) {
  const send = useSend();
  const [pos, setPos] = useState(0);
  const [prev, setPrev] = useState<PlayItem | null>(null);
  const shownAt = useRef(Date.now());
  const n = items.length;
  const index = n ? pos % n : 0;
  const current = n ? items[index]! : null;
  const key = current
    ? `${current.campaignId}:${current.campaignVersion}:${current.slideIndex}:${pos}`
    : 'none';

  // The key identifies the slide showing; the effect re-arms on each new one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the slide
  useEffect(() => {
    if (!current) return;
    shownAt.current = Date.now();
    const report = () => {
      const seconds = Math.round((Date.now() - shownAt.current) / 100) / 10;
      if (seconds >= 1) {
        send({
          type: 'play',
          campaignId: current.campaignId,
          campaignVersion: current.campaignVersion,
          slideIndex: current.slideIndex,
          seconds,
        });
      }
    };
    if (n < 2) return report;
    const timer = setTimeout(() => {
      report();
      shownAt.current = Date.now();
      setPrev(current);
      setPos((p) => p + 1);
    }, current.slide.durationS * 1000);
    return () => {
      clearTimeout(timer);
      // Unmounted or the playlist changed mid-slide: count what was shown.
      if (Date.now() - shownAt.current >= 1000) report();
    };
  }, [key, n, send]);

  useEffect(() => {
    if (!prev) return;
    const t = setTimeout(() => setPrev(null), 700);
    return () => clearTimeout(t);
  }, [prev]);

  if (!current) return <div className={`slides ${className}`}>{fallback}</div>;
  return (
    <div className={`slides ${className}`}>
      {prev && prev !== current && (
        <div className="slide slide-out" aria-hidden="true" key={`prev-${key}`}>
          {render(prev)}
        </div>
      )}
      <div className="slide slide-in" key={key}>
        {render(current)}
      </div>
    </div>
  );
}

/** A slide in one language: text, image or (muted) video. */
export function SlideContent({
  item,
  lang,
  heading = 'h2',
}: {
  item: PlayItem;
  lang: string;
  heading?: 'h1' | 'h2';
}) {
  const s = item.slide;
  const H = heading;
  if (s.kind === 'text') {
    return (
      <div className="slide-text" lang={s.title[lang] ? lang : undefined}>
        <H className="slide-title">{pick(s.title, lang)}</H>
        {s.body && <p className="slide-body">{pick(s.body, lang)}</p>}
      </div>
    );
  }
  const alt = pick(s.alt ?? s.title, lang);
  return (
    <figure className="slide-media">
      {item.assetUrl ? (
        s.kind === 'image' ? (
          <img src={item.assetUrl} alt={alt} />
        ) : (
          <video src={item.assetUrl} autoPlay muted loop playsInline aria-label={alt} />
        )
      ) : null}
      {s.title && (
        <figcaption>
          <H className="slide-title">{pick(s.title, lang)}</H>
        </figcaption>
      )}
    </figure>
  );
}
