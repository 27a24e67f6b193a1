import { describe, expect, it, vi } from 'vitest';
import type { Bridge, KioskState } from '../../bridge/types.ts';
import { emptyKioskState } from '../../bridge/types.ts';
import { fake } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake);

await import('./preload.ts');

describe('preload', () => {
  it('exposes exactly one API, window.stander, with only subscribe and send', () => {
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['stander']);
    const api = fake.contextBridge.exposed.get('stander') as Bridge;
    expect(Object.keys(api).sort()).toEqual(['send', 'subscribe']);
  });

  it('delivers the initial state and every pushed state, and stops after unsubscribe', async () => {
    const api = fake.contextBridge.exposed.get('stander') as Bridge;
    const initial = emptyKioskState('s1', '1');
    fake.ipcRenderer.invokeResult = initial;
    const seen: KioskState[] = [];
    const off = api.subscribe((s) => seen.push(s));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([initial]);
    const next = { ...initial, reloadSeq: 1 };
    fake.ipcRenderer.emit('bridge:state', {}, next);
    expect(seen.at(-1)).toEqual(next);
    off();
    fake.ipcRenderer.emit('bridge:state', {}, { ...initial, reloadSeq: 2 });
    expect(seen).toHaveLength(2);
    expect(fake.ipcRenderer.listenerCount('bridge:state')).toBe(0);
  });

  it('sends actions on the bridge:action channel', () => {
    const api = fake.contextBridge.exposed.get('stander') as Bridge;
    api.send({ type: 'touch' });
    expect(fake.ipcRenderer.sentToMain).toEqual([{ channel: 'bridge:action', payload: { type: 'touch' } }]);
  });
});
