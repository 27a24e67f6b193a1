import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AgentHandle } from '../agent/index.ts';
import type { Logger } from '../agent/log.ts';
import { BrowserShell } from './browser-shell.ts';

/**
 * The STANDER_SHELL dispatch used by `npm run kiosk` (kiosk/main.ts) and `npm start`:
 * - electron: the Electron binary runs the whole screen (agent in its main process), see electron/main.ts;
 * - chromium: the agent runs here and Chromium shows its UI server (browser-shell.ts);
 * - none: the agent and its UI server only.
 */

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Path of the Electron binary from the electron package, or null where it is not installed. */
export function electronBinary(): string | null {
  const dist = `${REPO}node_modules/electron/dist`;
  if (!existsSync(dist)) return null;
  const bin = `${dist}/electron`;
  return existsSync(bin) ? bin : null;
}

/** Bundles the Electron main and preload (scripts/build-electron.mjs) and returns the main bundle. */
let bundled: string | null = null;

export function buildElectronBundle(): string {
  if (bundled) return bundled; // once per process: npm start launches one Electron per demo screen
  const r = spawnSync(process.execPath, [`${REPO}scripts/build-electron.mjs`], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the Electron bundle failed');
  bundled = `${REPO}dist/electron/main.mjs`;
  return bundled;
}

/** Starts the Electron app for one screen with the given environment (its settings, see settings.ts). */
export function launchElectron(env: NodeJS.ProcessEnv, extraArgs: readonly string[] = []): ChildProcess {
  const bin = electronBinary();
  if (!bin) throw new Error('Electron is not installed (node_modules/electron/dist is missing)');
  const main = buildElectronBundle();
  const args = [main, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...extraArgs];
  return spawn(bin, args, {
    stdio: 'inherit',
    env: { STANDER_RENDERER_DIR: `${REPO}dist/renderer`, ...env },
  });
}

/** Shows a running agent's UI in Chromium and wires the shell into the agent (reports, screenshots). */
export async function startBrowserShellFor(
  agent: AgentHandle,
  opts: {
    log?: Logger;
    headless?: boolean;
    executablePath?: string;
    kiosk?: boolean;
    windowSize?: readonly [number, number];
  } = {},
): Promise<BrowserShell> {
  if (!agent.uiUrl) throw new Error('the agent has no UI server to show');
  const shell = new BrowserShell({
    url: `${agent.uiUrl}/`,
    onReport: (r) => agent.setRendererState(r),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.headless !== undefined ? { headless: opts.headless } : {}),
    ...(opts.executablePath ? { executablePath: opts.executablePath } : {}),
    ...(opts.kiosk !== undefined ? { kiosk: opts.kiosk } : {}),
    ...(opts.windowSize ? { windowSize: opts.windowSize } : {}),
  });
  await shell.start();
  agent.setShell(shell);
  return shell;
}
