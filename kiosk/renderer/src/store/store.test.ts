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

  it('gives each test its own store', () => {
    const a = createKioskStore();
    const b = createKioskStore();
    a.getState().go('water');
    expect(b.getState().view).toBe('attract');
  });
});
