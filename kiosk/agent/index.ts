import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Health } from '../../protocol/index.ts';
import type { BridgeAction, KioskState } from '../bridge/types.ts';
import { startUiServer, type UiServer } from '../bridge/ws-server.ts';
import { AgentCore } from './agent.ts';
import { type HardwarePort, SimulatedHardware } from './hardware-port.ts';
import { TileService } from './tiles/service.ts';
import { createLogger, type Logger } from './log.ts';
import type { RendererReport, ShellPort } from './shell-port.ts';

export type { HardwarePort } from './hardware-port.ts';
export { SimulatedHardware } from './hardware-port.ts';
export type { RendererReport, ShellPort } from './shell-port.ts';

export interface StartAgentOptions {
  screenId: string;
  token: string;
  /** Control server base URL (content downloads, screenshot upload). */
  serverUrl: string;
  /** Broker URL (mqtt://, mqtts://, ws://). */
  mqttUrl: string;
  cacheDir: string;
  /** 127.0.0.1 port of the UI server; 0 for an ephemeral one; null for no UI server. */
  uiPort?: number | null;
  /** Built renderer to serve; default dist/renderer of this checkout. */
  rendererDir?: string;
  appVersion?: string;
  hardware?: HardwarePort;
  shell?: ShellPort | null;
  log?: Logger;
  contentQuotaBytes?: number;
  reconnect?: { minMs?: number; maxMs?: number; refusedMs?: number };
  download?: { retryBaseMs?: number; retryMaxMs?: number; rejectRetryMs?: number };
  playsIntervalMs?: number;
  tickMs?: number;
  /** Wall clock (tests of schedules and display hours). */
  now?: () => number;
  /** Load the cache and serve the UI, but do not connect (tests, diagnostics). */
  offline?: boolean;
  /** A local MBTiles or PMTiles file for the kiosk map (STANDER_MAP_TILES); served at /tiles/. */
  mapTiles?: string | null;
}

/** What a shell (Electron IPC, the WebSocket bridge) and tests get from a running agent. */
export interface AgentHandle {
  getState(): KioskState;
  subscribe(listener: (state: KioskState) => void): () => void;
  dispatch(action: BridgeAction): void;
  /** Attach the shell once it runs (screenshots). */
  setShell(shell: ShellPort | null): void;
  /** The shell's renderer watchdog reports here; lands in health. */
  setRendererState(report: RendererReport): void;
  /** http://127.0.0.1:PORT of the UI server, or null without one. */
  uiUrl: string | null;
  /** Milliseconds from start until the cached state was loaded and the UI server was serving it. */
  startupMs: number;
  /** Collects a health report now (also published every healthIntervalS). */
  health(): Promise<Health>;
  /** Internals for diagnostics and tests. */
  core: AgentCore;
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../../dist/renderer', import.meta.url));
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Starts a screen's agent: loads the on-disk cache and serves the UI from it first, then connects.
 * Never throws for network trouble; throws only for a broken setup (e.g. the UI port is taken).
 */
export async function startAgent(opts: StartAgentOptions): Promise<AgentHandle> {
  const t0 = performance.now();
  const log = opts.log ?? createLogger({ screenId: opts.screenId });
  const core = new AgentCore({
    screenId: opts.screenId,
    token: opts.token,
    serverUrl: opts.serverUrl,
    mqttUrl: opts.mqttUrl,
    cacheDir: opts.cacheDir,
    appVersion: opts.appVersion ?? packageVersion(),
    hardware: opts.hardware ?? new SimulatedHardware(),
    log,
    shell: opts.shell ?? null,
    contentQuotaBytes: opts.contentQuotaBytes,
    reconnect: opts.reconnect,
    download: opts.download,
    playsIntervalMs: opts.playsIntervalMs,
    tickMs: opts.tickMs,
    now: opts.now,
  });
  await core.loadFromDisk();
  let ui: UiServer | null = null;
  let tiles: TileService | null = null;
  if (opts.uiPort !== null) {
    // Opened in the background: a large file must not delay the UI; /tiles/metadata.json waits for it.
    tiles = new TileService({ path: opts.mapTiles ?? null, log });
    void tiles.open();
    const status = tiles;
    core.health.mapTiles = () => status.status();
    try {
      ui = await startUiServer({
        port: opts.uiPort ?? 8090,
        rendererDir: opts.rendererDir ?? defaultRendererDir(),
        api: core,
        assets: core.content,
        log,
        tiles,
      });
    } catch (e) {
      await tiles.close();
      await core.close();
      throw new Error(
        `UI server could not listen on 127.0.0.1:${opts.uiPort ?? 8090}: ${(e as Error).message}`,
      );
    }
    core.assetBaseUrl = `${ui.url}/assets/`;
    core.updateNow(true);
  }
  const startupMs = Math.round((performance.now() - t0) * 10) / 10;
  log.info({ startupMs, source: core.getState().source, uiUrl: ui?.url }, 'agent serving');
  if (!opts.offline) core.start();
  // The light sensor (where the device has one) feeds the UI's day/night theme.
  const unwatchAmbient = opts.hardware?.watchAmbient?.((r) => core.setAmbient(r)) ?? null;

  return {
    getState: () => core.getState(),
    subscribe: (l) => core.subscribe(l),
    dispatch: (a) => core.dispatch(a),
    setShell: (s) => {
      core.shell = s;
    },
    setRendererState: (r) => core.setRendererState(r),
    uiUrl: ui?.url ?? null,
    startupMs,
    health: () => core.collectHealth(),
    core,
    close: async () => {
      unwatchAmbient?.();
      await ui?.close();
      await tiles?.close();
      await core.close();
    },
  };
}
