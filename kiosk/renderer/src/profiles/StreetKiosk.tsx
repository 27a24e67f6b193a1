import { useEffect } from 'react';
import { IdentifyBanner, OfflineBanner } from '../components/Banners.tsx';
import { BottomNav } from '../components/BottomNav.tsx';
import { IdlePrompt } from '../components/IdlePrompt.tsx';
import { Clock, TopBand, WaterNearby } from '../components/TopBand.tsx';
import { useSend } from '../context.ts';
import { watchIdle } from '../idle.ts';
import { stopSpeaking } from '../lib/speech.ts';
import { type View, useKiosk, useStoreApi } from '../store/index.ts';
import { Attract } from '../views/Attract.tsx';
import { Events } from '../views/Events.tsx';
import { Home } from '../views/Home.tsx';
import { MapView } from '../views/MapView.tsx';
import { Parking } from '../views/Parking.tsx';
import { Transport } from '../views/Transport.tsx';
import { Water } from '../views/Water.tsx';

const VIEWS: Record<Exclude<View, 'attract'>, () => React.JSX.Element> = {
  home: Home,
  events: Events,
  map: MapView,
  transport: Transport,
  water: Water,
  parking: Parking,
};

/** Portrait 1080x1920 touch kiosk: attract loop, then the touch views with top band and bottom nav. */
export function StreetKiosk() {
  const store = useStoreApi();
  const send = useSend();
  const view = useKiosk((s) => s.view);
  const lowReach = useKiosk((s) => s.lowReach);
  const idlePrompt = useKiosk((s) => s.idlePrompt);
  const session = useKiosk((s) => s.session);

  useEffect(() => watchIdle(store), [store]);
  useEffect(() => {
    const onPointer = () => {
      store.getState().input(Date.now());
      send({ type: 'touch' });
    };
    const onKey = () => store.getState().input(Date.now());
    window.addEventListener('pointerdown', onPointer, { capture: true, passive: true });
    window.addEventListener('keydown', onKey, { capture: true, passive: true });
    return () => {
      window.removeEventListener('pointerdown', onPointer, { capture: true });
      window.removeEventListener('keydown', onKey, { capture: true });
    };
  }, [store, send]);
  // A reset drops any speech in progress.
  // biome-ignore lint/correctness/useExhaustiveDependencies: session is the trigger
  useEffect(() => stopSpeaking, [session]);

  if (view === 'attract') {
    return (
      <div className="frame attract-frame" key={session}>
        <OfflineBanner />
        <Attract />
        <IdentifyBanner />
      </div>
    );
  }
  const Current = VIEWS[view];
  return (
    <div className={lowReach ? 'frame touch low-reach' : 'frame touch'} key={session}>
      {lowReach && (
        <div className="reach-spacer">
          <Clock />
          <WaterNearby />
        </div>
      )}
      <div className="reach-area">
        <OfflineBanner />
        <TopBand />
        <div className="content">
          <Current key={view} />
        </div>
        <BottomNav />
      </div>
      <IdentifyBanner />
      {idlePrompt && <IdlePrompt />}
    </div>
  );
}
