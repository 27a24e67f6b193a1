import { memo, useEffect } from 'react';
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

// Memoized: none takes props, and each reads the store itself, so a re-render of the frame (a tap,
// the idle prompt, low reach) does not re-render the top band, the navigation and the whole view.
const VIEWS: Record<Exclude<View, 'attract'>, React.NamedExoticComponent> = {
  home: memo(Home),
  events: memo(Events),
  map: memo(MapView),
  transport: memo(Transport),
  water: memo(Water),
  parking: memo(Parking),
};
const Band = memo(TopBand);
const Nav = memo(BottomNav);
const Offline = memo(OfflineBanner);
const Identify = memo(IdentifyBanner);

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
    // While the "Still there?" prompt shows, a pointerdown only keeps the session alive: the prompt
    // closes on the click that follows (its backdrop takes it), so the tap cannot fall through to a
    // control under the dialog once the dialog is gone.
    const onInput = () => {
      const s = store.getState();
      if (s.idlePrompt) s.keepAlive(Date.now());
      else s.input(Date.now());
    };
    const onPointer = () => {
      onInput();
      send({ type: 'touch' });
    };
    const onKey = onInput;
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
        <Offline />
        <Band />
        <div className="content">
          <Current key={view} />
        </div>
        <Nav />
      </div>
      <Identify />
      {idlePrompt && <IdlePrompt />}
    </div>
  );
}
