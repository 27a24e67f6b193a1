import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Starting and stopping one Chromium process for the browser shell. Chromium is started by us (not
 * by Playwright) so the flags are exactly the kiosk's, and Playwright attaches over the DevTools
 * protocol on a port chosen by Chromium (--remote-debugging-port=0, bound to 127.0.0.1).
 */

/** Flags that keep a kiosk quiet, offline-friendly and locked to its one app window. */
export const SAFE_FLAGS: readonly string[] = [
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-pinch',
  '--overscroll-history-navigation=0',
  '--disable-features=Translate,TranslateUI,MediaRouter,OptimizationHints',
  '--noerrdialogs',
  '--disable-session-crashed-bubble',
  '--disable-infobars',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-breakpad',
  '--metrics-recording-only',
  '--password-store=basic',
  '--autoplay-policy=no-user-gesture-required',
  '--check-for-update-interval=31536000',
];

export interface ChromiumArgsOptions {
  url: string;
  userDataDir: string;
  headless: boolean;
  /** Running as root needs --no-sandbox (Chromium refuses otherwise). */
  noSandbox: boolean;
  /** Full-screen kiosk mode (default). Off for the desktop demo: an app window of `windowSize`. */
  kiosk?: boolean;
  windowSize?: readonly [number, number];
  extraArgs?: readonly string[];
}

export function chromiumArgs(o: ChromiumArgsOptions): string[] {
  const size = o.windowSize ?? [1080, 1920];
  return [
    ...(o.kiosk === false ? [`--window-size=${size[0]},${size[1]}`] : ['--kiosk']),
    `--app=${o.url}`,
    ...SAFE_FLAGS,
    `--user-data-dir=${o.userDataDir}`,
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    ...(o.headless ? ['--headless', '--disable-gpu', `--window-size=${size[0]},${size[1]}`] : []),
    ...(o.noSandbox ? ['--no-sandbox'] : []),
    ...(o.extraArgs ?? []),
  ];
}

/** CHROMIUM_PATH, else the first Chromium found in the usual places, else null. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CHROMIUM_PATH) return existsSync(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (existsSync(p)) return p;
  }
  return null;
}

export interface RunningChromium {
  child: ChildProcess;
  /** ws://127.0.0.1:PORT/devtools/browser/ID */
  wsEndpoint: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderrTail: () => string;
}

/** Spawns Chromium in its own process group and waits until its DevTools endpoint is known. */
export async function launchChromium(
  executable: string,
  args: readonly string[],
  userDataDir: string,
  timeoutMs = 30_000,
): Promise<RunningChromium> {
  const child = spawn(executable, [...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env },
  });
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  let gone = false;
  // Chromium runs in its own process group: if this process exits without stopping it (an uncaught
  // error, process.exit), take the group down too instead of leaving an orphaned kiosk browser.
  const onParentExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onParentExit);
  void exited.then(() => {
    gone = true;
    process.off('exit', onParentExit);
  });
  const deadline = Date.now() + timeoutMs;
  const portFile = join(userDataDir, 'DevToolsActivePort');
  while (Date.now() < deadline) {
    if (gone) throw new Error(`chromium exited during start: ${tail.slice(-500)}`);
    const fromLog = /DevTools listening on (ws:\/\/\S+)/.exec(tail);
    if (fromLog?.[1]) return { child, wsEndpoint: fromLog[1], exited, stderrTail: () => tail };
    const file = await readFile(portFile, 'utf8').catch(() => '');
    const [port, path] = file.split('\n');
    if (port && path) {
      return {
        child,
        wsEndpoint: `ws://127.0.0.1:${port.trim()}${path.trim()}`,
        exited,
        stderrTail: () => tail,
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  killGroup(child, 'SIGKILL');
  throw new Error(`chromium did not open its DevTools endpoint in ${timeoutMs} ms`);
}

/** Signals Chromium's whole process group (browser, zygote, renderers, GPU) that we started. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process has exited. */
export async function stopChromium(running: RunningChromium, graceMs = 5000): Promise<void> {
  killGroup(running.child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(running.child, 'SIGKILL'), graceMs);
  await running.exited;
  clearTimeout(timer);
  // the group's remaining helpers (renderers) go with it
  if (running.child.pid !== undefined) {
    try {
      process.kill(-running.child.pid, 'SIGKILL');
    } catch {
      // group already empty
    }
  }
}
