import type { Campaign } from '../../../../protocol/index.ts';
import type { PlayItem } from '../../../bridge/types.ts';
import { tIn } from '../i18n.ts';
import { allVersions } from '../lib/localized.ts';
import { Icon } from './Icons.tsx';
import { SlidePlayer } from './SlidePlayer.tsx';

/** An emergency campaign over the whole screen, on every profile, in every language it has. */
export function Emergency({
  emergency,
  order,
}: {
  emergency: { campaign: Campaign; items: PlayItem[] };
  order: string[];
}) {
  const first = emergency.items[0]?.slide;
  const langs = first ? allVersions(first.title ?? { en: '' }, order).map(([l]) => l) : order;
  return (
    <main className="emergency" data-view="campaign" role="alert" aria-live="assertive">
      <div className="emergency-head">
        <Icon name="warning" size={88} />
        <p className="emergency-label">
          {langs
            .filter((l) => ['da', 'en', 'de'].includes(l))
            .map((l) => (
              <span key={l} lang={l}>
                {tIn(l)('campaign.emergency')}
              </span>
            ))}
        </p>
      </div>
      <SlidePlayer
        className="emergency-slides"
        items={emergency.items}
        render={(item) => <EmergencySlide item={item} order={order} />}
      />
    </main>
  );
}

function EmergencySlide({ item, order }: { item: PlayItem; order: string[] }) {
  const s = item.slide;
  const titles = allVersions(s.title ?? undefined, order);
  const bodies = s.kind === 'text' ? allVersions(s.body, order) : [];
  return (
    <div className="emergency-slide">
      {s.kind === 'image' && item.assetUrl && <img src={item.assetUrl} alt={titles[0]?.[1] ?? ''} />}
      {titles.map(([l, title], i) => (
        <section key={l} lang={l} className={i === 0 ? 'emergency-lang first' : 'emergency-lang'}>
          {i === 0 ? (
            <h1 className="emergency-title">{title}</h1>
          ) : (
            <h2 className="emergency-title">{title}</h2>
          )}
          {bodies.find(([bl]) => bl === l) && (
            <p className="emergency-body">{bodies.find(([bl]) => bl === l)![1]}</p>
          )}
        </section>
      ))}
    </div>
  );
}
