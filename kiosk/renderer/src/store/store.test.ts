import { describe, expect, it } from 'vitest';
import { demoState } from '../fixtures/demo-state.ts';
import { PROMPT_S, watchIdle } from '../idle.ts';
import { createKioskStore, selectLang, selectLanguages, selectOnline } from './index.ts';

describe('kiosk store', () => {
  it('starts in the attract loop with the screen default language', () => {
    const store = createKioskStore({ now: 0 });
    expect(store.getState().view).toBe('attract');
    store.getState().setKiosk(demoState(0));
    expect(selectLang(store.getState())).toBe('da');
    store.getState().setLang('de');
    expect(selectLang(store.getState())).toBe('de');
    store.getState().setLang('fr');
    expect(selectLang(store.getState())).toBe('en');
    expect(selectLanguages(store.getState())).toEqual(['da', 'en', 'de']);
  });

  it('counts as online only when both the agent and the bridge link are up', () => {
    const store = createKioskStore({ now: 0 });
    store.getState().setKiosk(demoState(0));
    expect(selectOnline(store.getState())).toBe(false);
    store.getState().setLinkUp(true);
    expect(selectOnline(store.getState())).toBe(true);
    store.getState().setKiosk(demoState(0, { online: false }));
    expect(selectOnline(store.getState())).toBe(false);
  });

  it('prompts after idleTimeoutS and resets every choice PROMPT_S later', () => {
    const store = createKioskStore({ now: 0 });
    const stop = watchIdle(store);
    store.getState().setKiosk(demoState(0, { idleTimeoutS: 20 }));
    const s = store.getState();
    s.input(0);
    s.go('map');
    s.setLang('en');
    s.setLowReach(true);
    s.openPoi('nyhavn');
    s.tick(19_000);
    expect(store.getState().idlePrompt).toBe(false);
    s.tick(20_000);
    expect(store.getState().idlePrompt).toBe(true);
    // A touch dismisses the prompt and keeps everything.
    store.getState().input(21_000);
    expect(store.getState().idlePrompt).toBe(false);
    expect(store.getState().view).toBe('map');
    s.tick(41_000);
    expect(store.getState().idlePrompt).toBe(true);
    s.tick(41_000 + PROMPT_S * 1000);
    const after = store.getState();
    expect(after).toMatchObject({
      view: 'attract',
      lang: null,
      lowReach: false,
      poiId: null,
      idlePrompt: false,
    });
    expect(after.session).toBe(1);
    stop();
  });

  it('keeps the session but not yet closes the prompt on a pointerdown during it', () => {
    const store = createKioskStore({ now: 0 });
    const stop = watchIdle(store);
    store.getState().setKiosk(demoState(0, { idleTimeoutS: 20 }));
    const s = store.getState();
    s.input(0);
    s.go('map');
    s.tick(20_000);
    expect(store.getState().idlePrompt).toBe(true);
    // pointerdown: the session is kept, the dialog stays to take the click that follows.
    store.getState().keepAlive(25_000);
    s.tick(20_000 + 25_000 + PROMPT_S * 1000 - 1);
    expect(store.getState()).toMatchObject({ idlePrompt: true, view: 'map' });
    // the click closes it.
    store.getState().input(26_000);
    expect(store.getState()).toMatchObject({ idlePrompt: false, view: 'map' });
    stop();
  });

  it('gives each test its own store', () => {
    const a = createKioskStore();
    const b = createKioskStore();
    a.getState().go('water');
    expect(b.getState().view).toBe('attract');
  });

  it('decides the theme from the light reading in the state, the config and the sun', () => {
    const noon = Date.parse('2026-12-21T12:00:00Z'); // day by the sun in Copenhagen
    const store = createKioskStore({ now: noon });
    const at = (t: number) => new Date(t).toISOString();
    store.getState().setKiosk(demoState(noon));
    expect(store.getState().theme).toMatchObject({ theme: 'day', source: 'sun' });
    store.getState().setKiosk({ ...demoState(noon), ambient: { lux: 3, at: at(noon) } });
    expect(store.getState().theme).toMatchObject({ theme: 'night', source: 'sensor' });
    // Nothing new from the sensor for longer than it may be trusted: the sun again.
    store.getState().tick(noon + 181_000);
    expect(store.getState().theme).toMatchObject({ theme: 'day', source: 'sun' });
    // A fixed theme in the screen's config beats the sensor.
    const cfg = demoState(noon);
    cfg.config = { ...cfg.config!, theme: 'night' };
    store.getState().setKiosk({ ...cfg, ambient: { lux: 5000, at: at(noon + 181_000) } });
    expect(store.getState().theme).toMatchObject({ theme: 'night', source: 'override' });
  });

  it('treats a malformed light reading from the bridge as no sensor, and counts it', () => {
    const noon = Date.parse('2026-12-21T12:00:00Z');
    const store = createKioskStore({ now: noon });
    const bad = { ...demoState(noon), ambient: { lux: -4, at: 'now' } };
    const warn = console.warn;
    const warned: string[] = [];
    console.warn = (m: string) => warned.push(m);
    try {
      store.getState().setKiosk(bad);
    } finally {
      console.warn = warn;
    }
    expect(store.getState().kiosk?.ambient).toBeNull();
    expect(store.getState().invalidInputs).toBe(1);
    expect(warned[0]).toMatch(/ambient light reading ignored: lux/);
    expect(store.getState().theme).toMatchObject({ theme: 'day', source: 'sun' });
  });
});
