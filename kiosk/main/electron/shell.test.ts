import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BridgeAction, KioskState } from '../../bridge/types.ts';
import { emptyKioskState } from '../../bridge/types.ts';
import type { AgentLink } from '../agent-link.ts';
import type { RendererReport } from '../renderer-health.ts';
import { FakeBrowserWindow, FakeEvent, fake, resetFake, setFakeFrameOrigin } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake);

const { startElectronShell, isLoopBoundary } = await import('./shell.ts');

const URL_ = 'http://127.0.0.1:8090/';

class TestAgent implements AgentLink {
  state: KioskState = emptyKioskState('demo-kiosk', '0.1.0');
  listeners = new Set<(s: KioskState) => void>();
  actions: BridgeAction[] = [];
  reports: RendererReport[] = [];
  getState() {
    return this.state;
  }
  subscribe(l: (s: KioskState) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  dispatch(a: BridgeAction) {
    this.actions.push(a);
  }
  setRendererState(r: RendererReport) {
    this.reports.push(r);
  }
  publish(patch: Partial<KioskState>) {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }
}

let agent: TestAgent;
let shell: ReturnType<typeof startElectronShell>;

beforeEach(() => {
  vi.useFakeTimers();
  resetFake();
  setFakeFrameOrigin('http://127.0.0.1:8090');
  agent = new TestAgent();
});
afterEach(() => {
  shell?.stop();
  vi.useRealTimers();
});

const start = (extra: Partial<Parameters<typeof startElectronShell>[0]> = {}) => {
  shell = startElectronShell({ url: URL_, preload: '/app/preload.cjs', agent, ...extra });
  return shell;
};

describe('Electron shell: windows and security', () => {
  it('opens one full-screen kiosk window per configured display with locked-down web preferences', () => {
    start({ displays: 'all' });
    expect(FakeBrowserWindow.all).toHaveLength(2);
    const [w1, w2] = FakeBrowserWindow.all;
    expect(w1!.options).toMatchObject({
      x: 0,
      y: 0,
      width: 1080,
      height: 1920,
      fullscreen: true,
      kiosk: true,
    });
    expect(w2!.options).toMatchObject({ x: 1080, width: 1920, height: 1080 });
    expect(w1!.options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(w1!.loaded).toBe(URL_);
    expect(fake.Menu.current).toBeNull();
    w1!.emit('ready-to-show');
    expect(w1!.shown).toBe(true);
  });

  it('uses only the primary display by default and selected indexes when configured', () => {
    start();
    expect(FakeBrowserWindow.all).toHaveLength(1);
    shell.stop();
    resetFake();
    start({ displays: [1, 7] });
    expect(FakeBrowserWindow.all.map((w) => w.options.width)).toEqual([1920]);
  });

  it('denies navigation to other origins, new windows and webviews; allows its own origin', () => {
    start();
    const wc = FakeBrowserWindow.all[0]!.webContents;
    const away = new FakeEvent('https://example.com/');
    wc.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    const redirect = new FakeEvent('http://127.0.0.1:9999/');
    wc.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);
    const home = new FakeEvent('http://127.0.0.1:8090/#/home');
    wc.emit('will-navigate', home);
    expect(home.defaultPrevented).toBe(false);
    expect(wc.windowOpenHandler!({ url: 'http://127.0.0.1:8090/x' })).toEqual({ action: 'deny' });
    const webview = new FakeEvent();
    wc.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
    expect(shell.counters.blocked).toBe(4);
  });

  it('denies every permission and cancels requests to other origins', () => {
    start();
    const s = fake.session.defaultSession;
    const answers: boolean[] = [];
    for (const p of ['geolocation', 'media', 'notifications', 'openExternal']) {
      s.permissionRequest!(null, p, (ok) => answers.push(ok));
    }
    expect(answers).toEqual([false, false, false, false]);
    expect(s.permissionCheck!(null, 'geolocation')).toBe(false);
    expect(s.devicePermission!({})).toBe(false);
    const verdict = (url: string) => {
      let cancel: boolean | undefined;
      s.beforeRequest!({ url }, (r) => {
        cancel = r.cancel;
      });
      return cancel;
    };
    expect(verdict('http://127.0.0.1:8090/assets/abc')).toBe(false);
    expect(verdict('ws://127.0.0.1:8090/bridge')).toBe(false);
    expect(verdict('https://tracker.example/pixel.gif')).toBe(true);
    expect(verdict('ws://127.0.0.1:1883/mqtt')).toBe(true);
    const download = new FakeEvent();
    s.emit('will-download', download);
    expect(download.defaultPrevented).toBe(true);
  });

  it('in production: no pinch zoom, no context menu, devtools closed, zoom and devtools keys swallowed', () => {
    start({ production: true });
    const wc = FakeBrowserWindow.all[0]!.webContents;
    expect(wc.zoomLimits).toEqual([1, 1]);
    const menuEvent = new FakeEvent();
    wc.emit('context-menu', menuEvent, {});
    expect(menuEvent.defaultPrevented).toBe(true);
    wc.emit('devtools-opened');
    expect(wc.devtoolsClosed).toBe(1);
    const key = (input: Record<string, unknown>) => {
      const e = new FakeEvent();
      wc.emit('before-input-event', e, {
        key: '',
        control: false,
        meta: false,
        shift: false,
        alt: false,
        ...input,
      });
      return e.defaultPrevented;
    };
    expect(key({ key: 'F12' })).toBe(true);
    expect(key({ key: 'I', control: true, shift: true })).toBe(true);
    expect(key({ key: '+', control: true })).toBe(true);
    expect(key({ key: 'a' })).toBe(false);
  });

  it('outside production keeps devtools available for development', () => {
    start({ production: false });
    const w = FakeBrowserWindow.all[0]!;
    expect((w.options.webPreferences as Record<string, unknown>).devTools).toBe(true);
    expect(w.webContents.zoomLimits).toBeNull();
  });

  it('holds a display-sleep power-save blocker and releases it on stop', () => {
    start();
    expect(fake.powerSaveBlocker.lastType).toBe('prevent-display-sleep');
    expect(fake.powerSaveBlocker.started.size).toBe(1);
    shell.stop();
    expect(fake.powerSaveBlocker.started.size).toBe(0);
    expect(FakeBrowserWindow.all[0]!.destroyed).toBe(true);
  });
});

describe('Electron shell: the typed IPC bridge', () => {
  it('answers get-state, forwards valid actions and pushes state changes to every window', async () => {
    start({ displays: 'all' });
    const [w1, w2] = FakeBrowserWindow.all;
    const state = await fake.ipcMain.invoke(w1!.webContents, 'bridge:get-state');
    expect(state).toMatchObject({ screenId: 'demo-kiosk' });
    fake.ipcMain.sendFrom(w1!.webContents, 'bridge:action', { type: 'view', view: 'events' });
    expect(agent.actions).toEqual([{ type: 'view', view: 'events' }]);
    agent.publish({ reloadSeq: 3 });
    for (const w of [w1!, w2!]) {
      expect(w.webContents.sent.at(-1)).toMatchObject({ channel: 'bridge:state', payload: { reloadSeq: 3 } });
    }
  });

  it('drops invalid actions and messages from foreign senders or frames, and counts them', async () => {
    start();
    const wc = FakeBrowserWindow.all[0]!.webContents;
    fake.ipcMain.sendFrom(wc, 'bridge:action', { type: 'rm -rf' });
    fake.ipcMain.sendFrom(wc, 'bridge:action', { type: 'view', view: 'x'.repeat(500) });
    const stranger = new FakeBrowserWindow({}).webContents;
    fake.ipcMain.sendFrom(stranger, 'bridge:action', { type: 'touch' });
    fake.ipcMain.sendFrom(wc, 'bridge:action', { type: 'touch' }, 'https://evil.example/');
    await expect(fake.ipcMain.invoke(stranger, 'bridge:get-state')).rejects.toThrow(/refused/);
    await expect(fake.ipcMain.invoke(wc, 'bridge:get-state', { sneaky: 1 })).rejects.toThrow(/refused/);
    expect(agent.actions).toEqual([]);
    expect(shell.gateway.rejected).toBe(6);
  });

  it('removes its handlers on stop so a restart can register them again', () => {
    start();
    shell.stop();
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.ipcMain.listenerCount('bridge:action')).toBe(0);
    expect(() => start()).not.toThrow();
  });

  it('blacks the windows out for display off, also across a reload, and restores them', async () => {
    start({ displays: 'all' });
    const [w1, w2] = FakeBrowserWindow.all;
    expect(await shell.setDisplay(false)).toBe(true);
    for (const w of [w1!, w2!])
      expect([...w.webContents.css.values()]).toEqual([expect.stringMatching(/brightness\(0\)/)]);
    w1!.webContents.css.clear(); // a reload drops inserted CSS
    w1!.webContents.emit('did-finish-load');
    await vi.advanceTimersByTimeAsync(1);
    expect(w1!.webContents.css.size).toBe(1);
    await shell.setDisplay(true);
    expect(w1!.webContents.css.size).toBe(0);
    expect(w2!.webContents.css.size).toBe(0);
  });

  it('takes a screenshot of the first window', async () => {
    start();
    expect((await shell.takeScreenshot()).subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});

describe('Electron shell: renderer recovery and health', () => {
  it('reloads a gone renderer and reports crashed, then the restart', () => {
    start();
    const w = FakeBrowserWindow.all[0]!;
    w.webContents.emit('did-finish-load');
    w.webContents.emit('render-process-gone', new FakeEvent(), { reason: 'oom', exitCode: 9 });
    expect(w.webContents.reloads).toBe(1);
    expect(agent.reports.map((r) => `${r.state}/${r.restarts}`)).toEqual(['ok/0', 'crashed/0', 'crashed/1']);
    w.webContents.emit('did-finish-load');
    expect(agent.reports.at(-1)).toMatchObject({ state: 'ok', restarts: 1 });
    // a clean exit (app quitting) is no crash
    w.webContents.emit('render-process-gone', new FakeEvent(), { reason: 'clean-exit', exitCode: 0 });
    expect(w.webContents.reloads).toBe(1);
  });

  it('kills a renderer that stays unresponsive past the grace period, not one that recovers', () => {
    start({ hangGraceMs: 5000 });
    const w = FakeBrowserWindow.all[0]!;
    w.emit('unresponsive');
    vi.advanceTimersByTime(3000);
    w.emit('responsive');
    vi.advanceTimersByTime(5000);
    expect(w.webContents.crashes).toBe(0);
    w.emit('unresponsive');
    expect(agent.reports.at(-1)).toMatchObject({ state: 'unresponsive' });
    vi.advanceTimersByTime(5000);
    expect(w.webContents.crashes).toBe(1);
  });

  it('memory guard: above the limit it reloads at the next loop boundary, far above at once', () => {
    start({ memoryLimitMb: 100, memoryCheckMs: 1000 });
    const w = FakeBrowserWindow.all[0]!;
    fake.app.metrics = [{ pid: w.webContents.osPid, type: 'Tab', memory: { workingSetSize: 120 * 1024 } }];
    vi.advanceTimersByTime(1000);
    expect(shell.reloadPending()).toBe(true);
    expect(w.webContents.reloads).toBe(0);
    const play = (slideIndex: number) =>
      fake.ipcMain.sendFrom(w.webContents, 'bridge:action', {
        type: 'play',
        campaignId: 'c1',
        campaignVersion: 1,
        slideIndex,
        seconds: 10,
      });
    play(2);
    expect(w.webContents.reloads).toBe(0);
    play(0);
    expect(w.webContents.reloads).toBe(1);
    expect(shell.reloadPending()).toBe(false);
    expect(agent.reports.at(-1)?.reason).toMatch(/memory limit/);
    fake.app.metrics = [{ pid: w.webContents.osPid, type: 'Tab', memory: { workingSetSize: 200 * 1024 } }];
    shell.checkMemory();
    expect(w.webContents.reloads).toBe(2);
    // other processes' memory does not count
    fake.app.metrics = [{ pid: 1, type: 'GPU', memory: { workingSetSize: 900 * 1024 } }];
    shell.checkMemory();
    expect(shell.reloadPending()).toBe(false);
  });

  it('knows the loop boundaries', () => {
    expect(isLoopBoundary({ type: 'view', view: 'attract' })).toBe(true);
    expect(isLoopBoundary({ type: 'view', view: 'home' })).toBe(false);
    expect(isLoopBoundary({ type: 'touch' })).toBe(false);
  });
});
