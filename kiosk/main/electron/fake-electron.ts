import { EventEmitter } from 'node:events';

/**
 * A fake of the slice of Electron's API the shell uses, for unit tests under plain Node (Electron is
 * hardware-like here: its binary is not installed on test machines). It records what the shell asks
 * for so tests can assert the security settings and drive the events Electron would emit.
 */

type Listener = (...args: never[]) => unknown;

export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  reloads = 0;
  crashes = 0;
  destroyed = false;
  zoomLimits: [number, number] | null = null;
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  osPid = 10_000 + this.id;
  devtoolsClosed = 0;

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  reload(): void {
    this.reloads++;
  }
  forcefullyCrashRenderer(): void {
    this.crashes++;
  }
  setVisualZoomLevelLimits(min: number, max: number): Promise<void> {
    this.zoomLimits = [min, max];
    return Promise.resolve();
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  getOSProcessId(): number {
    return this.osPid;
  }
  closeDevTools(): void {
    this.devtoolsClosed++;
  }
  readonly css = new Map<string, string>();
  insertCSS(css: string): Promise<string> {
    const key = `css-${this.css.size + 1}-${Math.random()}`;
    this.css.set(key, css);
    return Promise.resolve(key);
  }
  removeInsertedCSS(key: string): Promise<void> {
    this.css.delete(key);
    return Promise.resolve();
  }
  capturePage(): Promise<{ toPNG(): Buffer }> {
    return Promise.resolve({ toPNG: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]) });
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: string | null = null;
  shown = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
    fakeApp.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
  }
}

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, fn: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke would do from a given sender. */
  async invoke(
    sender: FakeWebContents,
    channel: string,
    payload?: unknown,
    frameUrl?: string,
  ): Promise<unknown> {
    const h = this.handlers.get(channel) as ((e: unknown, p: unknown) => unknown) | undefined;
    if (!h) throw new Error(`no handler for ${channel}`);
    return h(senderEvent(sender, frameUrl), payload);
  }
  sendFrom(sender: FakeWebContents, channel: string, payload: unknown, frameUrl?: string): void {
    this.emit(channel, senderEvent(sender, frameUrl), payload);
  }
}

let appOrigin = 'http://127.0.0.1:8090';
export function setFakeFrameOrigin(origin: string): void {
  appOrigin = origin;
}
function senderEvent(sender: FakeWebContents, frameUrl?: string) {
  return { sender, senderFrame: { url: frameUrl ?? `${appOrigin}/`, parent: null } };
}

class FakeSession extends EventEmitter {
  permissionRequest: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null;
  permissionCheck: ((...a: unknown[]) => boolean) | null = null;
  devicePermission: ((...a: unknown[]) => boolean) | null = null;
  beforeRequest: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null;
  setPermissionRequestHandler(h: FakeSession['permissionRequest']) {
    this.permissionRequest = h;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheck']) {
    this.permissionCheck = h;
  }
  setDevicePermissionHandler(h: FakeSession['devicePermission']) {
    this.devicePermission = h;
  }
  readonly webRequest = {
    onBeforeRequest: (h: FakeSession['beforeRequest']) => {
      this.beforeRequest = h;
    },
  };
}

class FakeApp extends EventEmitter {
  isPackaged = true;
  metrics: Array<{ pid: number; type: string; memory: { workingSetSize: number } }> = [];
  getAppMetrics() {
    return this.metrics;
  }
}

const fakeApp = new FakeApp();
const fakeIpcMain = new FakeIpcMain();
const defaultSession = new FakeSession();
const blockers = new Set<number>();
let menu: unknown = 'default';

const displays = [
  { id: 1, bounds: { x: 0, y: 0, width: 1080, height: 1920 } },
  { id: 2, bounds: { x: 1080, y: 0, width: 1920, height: 1080 } },
];

/** The module object that replaces 'electron' in tests. */
export const fake = {
  app: fakeApp,
  BrowserWindow: FakeBrowserWindow,
  ipcMain: fakeIpcMain,
  session: { defaultSession },
  Menu: {
    setApplicationMenu(m: unknown) {
      menu = m;
    },
    get current() {
      return menu;
    },
  },
  powerSaveBlocker: {
    started: blockers,
    lastType: '',
    start(type: string) {
      this.lastType = type;
      const id = blockers.size + 1;
      blockers.add(id);
      return id;
    },
    stop(id: number) {
      blockers.delete(id);
    },
    isStarted(id: number) {
      return blockers.has(id);
    },
  },
  screen: {
    getAllDisplays: () => displays,
    getPrimaryDisplay: () => displays[0],
  },
  contextBridge: {
    exposed: new Map<string, unknown>(),
    exposeInMainWorld(key: string, api: unknown) {
      this.exposed.set(key, api);
    },
  },
  ipcRenderer: Object.assign(new EventEmitter(), {
    sentToMain: [] as Array<{ channel: string; payload: unknown }>,
    invokeResult: null as unknown,
    send(channel: string, payload: unknown) {
      this.sentToMain.push({ channel, payload });
    },
    invoke(_channel: string) {
      return Promise.resolve(this.invokeResult);
    },
  }),
};

export function resetFake(): void {
  FakeBrowserWindow.all = [];
  fakeApp.removeAllListeners();
  fakeApp.metrics = [];
  fakeIpcMain.removeAllListeners();
  fakeIpcMain.handlers.clear();
  defaultSession.removeAllListeners();
  blockers.clear();
  menu = 'default';
}
