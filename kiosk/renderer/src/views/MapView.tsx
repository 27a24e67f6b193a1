import { useMemo } from 'react';
import { FreshGate } from '../components/Fresh.tsx';
import { Icon } from '../components/Icons.tsx';
import { LeafletMap, type MapPoint } from '../components/LeafletMap.tsx';
import { useT } from '../i18n.ts';
import { POI_GLYPH as GLYPH, type Poi, loadPois, poiMapPoints } from '../lib/pois.ts';
import { useMapTiles } from '../lib/tiles.ts';
import { useKiosk, useStoreApi } from '../store/index.ts';
import { ParkingCard } from './Parking.tsx';
import { StopBoard } from './Transport.tsx';
import { WaterCard } from './Water.tsx';

const POIS = loadPois();

export function MapView() {
  const { t } = useT();
  const store = useStoreApi();
  const here = useKiosk((s) => s.kiosk?.config?.location ?? null);
  const poiId = useKiosk((s) => s.poiId);
  const session = useKiosk((s) => s.session);
  const tiles = useMapTiles();
  const points: MapPoint[] = useMemo(() => poiMapPoints(POIS, (k) => t(`map.kind.${k}`)), [t]);
  const selected = poiId ? POIS.find((p) => p.id === poiId) : undefined;
  const center = here ?? { lat: 55.6761, lon: 12.5683 };
  return (
    <main className="view map" data-view="map" aria-labelledby="map-title">
      <h1 id="map-title" className="view-title">
        {t('map.title')}
      </h1>
      <div className="map-stage">
        <LeafletMap
          key={session}
          className="main-map"
          center={center}
          zoom={15}
          points={points}
          here={here}
          hereLabel={t('map.youAreHere')}
          selectedId={poiId}
          onPick={(id) => store.getState().openPoi(id)}
          attribution={t('map.attribution')}
          label={t('map.title')}
          zoomLabels={{ in: t('map.zoomIn'), out: t('map.zoomOut') }}
          tiles={tiles}
        />
        <ul className="map-legend" aria-hidden="true">
          <li>
            <span className="pin pin-here legend-pin">
              <span className="pin-dot" />
            </span>
            {t('map.youAreHere')}
          </li>
          {(['stop', 'bath', 'parking', 'venue'] as const).map((k) => (
            <li key={k}>
              <span className={`pin pin-${k} legend-pin`}>
                <span className="pin-glyph">{GLYPH[k]}</span>
              </span>
              {t(`map.kind.${k}`)}
            </li>
          ))}
        </ul>
        {selected && <PoiCard poi={selected} />}
      </div>
      <nav className="poi-list" aria-label={t('map.points')}>
        <ul>
          {POIS.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="chip poi-chip"
                aria-pressed={p.id === poiId}
                onClick={() => store.getState().openPoi(p.id)}
              >
                <span className={`pin pin-${p.kind} legend-pin`} aria-hidden="true">
                  <span className="pin-glyph">{GLYPH[p.kind]}</span>
                </span>
                <span className="sr-only">{t(`map.kind.${p.kind}`)}: </span>
                {p.name}
              </button>
            </li>
          ))}
        </ul>
      </nav>
    </main>
  );
}

/** The card of a tapped point: its live data where the screen has a feed of the same id. */
function PoiCard({ poi }: { poi: Poi }) {
  const { t } = useT();
  const store = useStoreApi();
  const snap = useKiosk((s) => (poi.feed ? (s.kiosk?.feeds[poi.feed][poi.id] ?? null) : null));
  return (
    <div className="poi-card" role="dialog" aria-labelledby={`poi-${poi.id}`}>
      <div className="poi-card-head">
        <p className="poi-kind">{t(`map.kind.${poi.kind}`)}</p>
        <h2 id={`poi-${poi.id}`} className="poi-name">
          {poi.name}
        </h2>
        <button type="button" className="close-btn" onClick={() => store.getState().openPoi(null)}>
          <Icon name="cross" size={40} />
          <span>{t('map.close')}</span>
        </button>
      </div>
      {poi.feed && snap ? (
        snap.kind === 'transport' ? (
          <StopBoard snapshot={snap} max={3} heading="h3" />
        ) : snap.kind === 'water' ? (
          <WaterCard snapshot={snap} heading="h3" />
        ) : snap.kind === 'parking' ? (
          <ParkingCard p={snap} heading="h3" />
        ) : null
      ) : poi.feed ? (
        <FreshGate snapshot={null}>{null}</FreshGate>
      ) : null}
    </div>
  );
}
