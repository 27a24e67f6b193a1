import type { BrowserWindowConstructorOptions, Rectangle, Session, WebContents } from 'electron';
import { sameOrigin } from '../renderer-health.ts';

/**
 * The Electron shell's lockdown: secure web preferences, a session that denies every permission and
 * every request to another origin, and web contents that cannot navigate away, open windows, attach
 * webviews, zoom, show a context menu or open devtools (in production).
 */

export function windowOptions(opts: {
  preload: string;
  bounds: Rectangle;
  production: boolean;
}): BrowserWindowConstructorOptions {
  return {
    ...opts.bounds,
    show: false,
    fullscreen: true,
    kiosk: opts.production,
    frame: false,
    autoHideMenuBar: true,
    backgroundColor: '#000000',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !opts.production,
      disableDialogs: true,
      autoplayPolicy: 'no-user-gesture-required',
      backgroundThrottling: false,
    },
  };
}

export interface LockCounters {
  blocked: number;
}

/** Denies all permissions and cancels requests to other origins (devtools excepted outside production). */
export function hardenSession(session: Session, origin: string, counters: LockCounters): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => {
    counters.blocked++;
    event.preventDefault();
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed =
      sameOrigin(details.url.replace(/^ws(s?):/, 'http$1:'), origin) ||
      details.url.startsWith('devtools://') ||
      details.url.startsWith('data:') ||
      details.url.startsWith('blob:');
    if (!allowed) counters.blocked++;
    callback({ cancel: !allowed });
  });
}

const BLOCKED_KEYS = new Set(['F5', 'F11', 'F12']);

/** Locks one web contents (a window's page) to the app's origin. */
export function hardenWebContents(
  wc: WebContents,
  origin: string,
  production: boolean,
  counters: LockCounters,
): void {
  const refuseForeign = (event: { url: string; preventDefault(): void }) => {
    if (!sameOrigin(event.url, origin)) {
      counters.blocked++;
      event.preventDefault();
    }
  };
  wc.on('will-navigate', refuseForeign);
  wc.on('will-redirect', refuseForeign);
  wc.on('will-attach-webview', (event) => {
    counters.blocked++;
    event.preventDefault();
  });
  wc.setWindowOpenHandler(() => {
    counters.blocked++;
    return { action: 'deny' };
  });
  if (!production) return;
  void wc.setVisualZoomLevelLimits(1, 1);
  wc.on('context-menu', (event) => event.preventDefault());
  wc.on('devtools-opened', () => wc.closeDevTools());
  wc.on('before-input-event', (event, input) => {
    const key = input.key;
    const ctrl = input.control || input.meta;
    const zoomOrTools =
      BLOCKED_KEYS.has(key) ||
      (ctrl && ['+', '-', '=', '0', 'r', 'R', 'w', 'W', 'p', 'P'].includes(key)) ||
      (ctrl && input.shift && ['I', 'i', 'J', 'j', 'C', 'c'].includes(key)) ||
      (input.alt && key === 'F4');
    if (zoomOrTools) event.preventDefault();
  });
}
