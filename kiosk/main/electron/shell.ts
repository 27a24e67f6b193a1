import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  powerSaveBlocker,
  type Rectangle,
  screen,
  session,
} from 'electron';
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import type { BridgeAction } from '../../bridge/types.ts';
import type { ShellPort } from '../../agent/shell-port.ts';
import type { AgentLink } from '../agent-link.ts';
import { RendererHealth } from '../renderer-health.ts';
import { IpcGateway } from './ipc.ts';
import { hardenSession, hardenWebContents, type LockCounters, windowOptions } from './security.ts';

/**
 * The Electron shell, kept thin: one full-screen kiosk window per configured display showing the
 * agent's UI, the typed IPC bridge between them, renderer crash/hang recovery with health reports,
 * a memory guard that reloads at a loop boundary, and a power-save blocker.
 */

export interface ElectronShellOptions {
  /** The UI, e.g. http://127.0.0.1:8090/ (served by the agent). */
  url: string;
  preload: string;
  agent: AgentLink;
  /** 'all', 'primary', or display indexes in screen.getAllDisplays() order. */
  displays?: 'all' | 'primary' | number[];
  production?: boolean;
  /** Renderer memory above this (MB) schedules a reload at the next loop boundary. */
  memoryLimitMb?: number;
  memoryCheckMs?: number;
  /** How long a window may stay unresponsive before its renderer is killed and reloaded. */
  hangGraceMs?: number;
}

export interface ElectronShell extends ShellPort {
  windows: BrowserWindow[];
  counters: LockCounters;
  gateway: IpcGateway;
  health: RendererHealth;
  /** Display off/on through the shell: the windows go black (DPMS stand-in where nothing else works). */
  setDisplay(on: boolean): Promise<boolean>;
  /** True while a memory-guard reload waits for a loop boundary. */
  reloadPending(): boolean;
  /** One memory check (also run on a timer). */
  checkMemory(): void;
  stop(): void;
}

/** The start of a loop: the first slide of the playlist, or the attract loop on a touch kiosk. */
export function isLoopBoundary(action: BridgeAction): boolean {
  return (
    (action.type === 'play' && action.slideIndex === 0) ||
    (action.type === 'view' && action.view === 'attract')
  );
}

function pickDisplays(which: ElectronShellOptions['displays']): Rectangle[] {
  const all = screen.getAllDisplays();
  if (which === 'primary' || which === undefined) return [screen.getPrimaryDisplay().bounds];
  if (which === 'all') return all.map((d) => d.bounds);
  const picked = which.map((i) => all[i]?.bounds).filter((b): b is Rectangle => b !== undefined);
  return picked.length ? picked : [screen.getPrimaryDisplay().bounds];
}

export function startElectronShell(opts: ElectronShellOptions): ElectronShell {
  const production = opts.production ?? app.isPackaged;
  const origin = new URL(opts.url).origin;
  const counters: LockCounters = { blocked: 0 };
  const health = new RendererHealth((r) => opts.agent.setRendererState(r));
  const windows: BrowserWindow[] = [];
  let pendingReload = false;
  const hangTimers = new Map<BrowserWindow, NodeJS.Timeout>();
  let displayOn = true;
  const blackouts = new Map<BrowserWindow, string>();
  const BLACKOUT_CSS = 'html { filter: brightness(0) !important; cursor: none !important; }';
  const applyDisplay = async (w: BrowserWindow) => {
    if (w.isDestroyed()) return;
    const key = blackouts.get(w);
    if (!displayOn && !key) blackouts.set(w, await w.webContents.insertCSS(BLACKOUT_CSS));
    if (displayOn && key) {
      blackouts.delete(w);
      await w.webContents.removeInsertedCSS(key);
    }
  };

  Menu.setApplicationMenu(null);
  hardenSession(session.defaultSession, origin, counters);
  app.on('web-contents-created', (_e, wc) => hardenWebContents(wc, origin, production, counters));
  const blockerId = powerSaveBlocker.start('prevent-display-sleep');

  const ours = (event: IpcMainEvent | IpcMainInvokeEvent) =>
    windows.some((w) => !w.isDestroyed() && w.webContents.id === event.sender.id) &&
    sameOriginFrame(event, origin);
  const gateway = new IpcGateway(ipcMain, ours);
  gateway.handle('bridge:get-state', () => opts.agent.getState());
  gateway.on('bridge:action', (action) => {
    opts.agent.dispatch(action);
    if (pendingReload && isLoopBoundary(action)) {
      pendingReload = false;
      reloadAll('memory limit');
    }
  });
  const unsubscribe = opts.agent.subscribe((state) => {
    for (const w of windows) if (!w.isDestroyed()) gateway.send(w.webContents, 'bridge:state', state);
  });

  const reloadAll = (reason: string) => {
    for (const w of windows) if (!w.isDestroyed()) w.webContents.reload();
    health.restarted(`reloaded: ${reason}`);
  };

  for (const bounds of pickDisplays(opts.displays)) {
    const win = new BrowserWindow(windowOptions({ preload: opts.preload, bounds, production }));
    windows.push(win);
    const wc = win.webContents;
    win.once('ready-to-show', () => win.show());
    wc.on('did-finish-load', () => {
      health.set('ok');
      // inserted CSS does not survive a reload: a dark display stays dark
      blackouts.delete(win);
      void applyDisplay(win).catch(() => undefined);
    });
    wc.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit') return;
      health.set('crashed', `render process gone: ${details.reason}`);
      if (win.isDestroyed()) return;
      wc.reload();
      health.restarted(`reloaded after ${details.reason}`);
    });
    win.on('unresponsive', () => {
      health.set('unresponsive', 'window unresponsive');
      if (hangTimers.has(win)) return;
      hangTimers.set(
        win,
        setTimeout(() => {
          hangTimers.delete(win);
          if (win.isDestroyed()) return;
          // a hung renderer cannot reload itself: kill it; render-process-gone then reloads
          wc.forcefullyCrashRenderer();
        }, opts.hangGraceMs ?? 10_000),
      );
    });
    win.on('responsive', () => {
      const t = hangTimers.get(win);
      if (t) clearTimeout(t);
      hangTimers.delete(win);
      health.set('ok');
    });
    void win.loadURL(opts.url).catch(() => health.set('blank', 'UI did not load'));
  }

  const limitKb = (opts.memoryLimitMb ?? 800) * 1024;
  const checkMemory = () => {
    const pids = new Set(windows.filter((w) => !w.isDestroyed()).map((w) => w.webContents.getOSProcessId()));
    const worst = Math.max(
      0,
      ...app
        .getAppMetrics()
        .filter((m) => pids.has(m.pid))
        .map((m) => m.memory.workingSetSize),
    );
    if (worst > limitKb * 1.5) {
      pendingReload = false;
      reloadAll(`memory ${Math.round(worst / 1024)} MB far above limit`);
    } else if (worst > limitKb) {
      pendingReload = true;
    }
  };
  const memTimer = setInterval(checkMemory, opts.memoryCheckMs ?? 60_000);
  memTimer.unref?.();

  return {
    windows,
    counters,
    gateway,
    health,
    reloadPending: () => pendingReload,
    async setDisplay(on: boolean) {
      displayOn = on;
      await Promise.all(windows.map((w) => applyDisplay(w)));
      return windows.some((w) => !w.isDestroyed());
    },
    checkMemory,
    async takeScreenshot() {
      const w = windows.find((x) => !x.isDestroyed());
      if (!w) throw new Error('no window');
      return (await w.webContents.capturePage()).toPNG();
    },
    stop() {
      clearInterval(memTimer);
      for (const t of hangTimers.values()) clearTimeout(t);
      unsubscribe();
      gateway.dispose();
      if (powerSaveBlocker.isStarted(blockerId)) powerSaveBlocker.stop(blockerId);
      for (const w of windows) if (!w.isDestroyed()) w.destroy();
    },
  };
}

/** The message must come from the top frame of our origin (not an iframe or a foreign page). */
function sameOriginFrame(event: IpcMainEvent | IpcMainInvokeEvent, origin: string): boolean {
  const url = event.senderFrame?.url;
  if (!url) return false;
  try {
    return new URL(url).origin === origin && event.senderFrame?.parent === null;
  } catch {
    return false;
  }
}
