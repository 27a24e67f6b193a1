import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SCREEN_FILE, readScreenFile } from './screen-file.ts';

/**
 * A screen's settings for the shells' own entry points (the packaged Electron app): the environment
 * of DESIGN.md first, then the provisioned screen file (STANDER_SCREEN_FILE or /etc/stander/screen.json).
 */
export interface ShellSettings {
  screenId: string;
  token: string;
  serverUrl: string;
  mqttUrl: string;
  cacheDir: string;
  uiPort: number;
  shell: 'electron' | 'chromium' | 'none';
  displays: 'all' | 'primary' | number[];
  memoryLimitMb: number;
  /** STANDER_MAP_TILES: a local MBTiles/PMTiles file for the map, or null. */
  mapTiles: string | null;
}

function port(v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port: ${v}`);
  return n;
}

export function parseDisplays(v: string | undefined): ShellSettings['displays'] {
  if (!v || v === 'primary') return 'primary';
  if (v === 'all') return 'all';
  const idx = v.split(',').map((s) => Number(s.trim()));
  if (idx.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`invalid STANDER_DISPLAYS: ${v}`);
  return idx;
}

/** Which shell to use: STANDER_SHELL, else electron where its binary exists, else chromium. */
export function pickShell(
  env: NodeJS.ProcessEnv,
  electronAvailable: () => boolean,
): 'electron' | 'chromium' | 'none' {
  const want = env.STANDER_SHELL;
  if (want === 'electron' || want === 'chromium' || want === 'none') return want;
  if (want) throw new Error(`invalid STANDER_SHELL: ${want} (electron, chromium or none)`);
  return electronAvailable() ? 'electron' : 'chromium';
}

export async function readShellSettings(
  env: NodeJS.ProcessEnv = process.env,
  electronAvailable: () => boolean = () => false,
): Promise<ShellSettings> {
  let screenId = env.STANDER_SCREEN_ID;
  let token = env.STANDER_SCREEN_TOKEN;
  let serverUrl = env.STANDER_SERVER_URL;
  let mqttUrl = env.STANDER_MQTT_URL;
  const file = env.STANDER_SCREEN_FILE ?? (existsSync(DEFAULT_SCREEN_FILE) ? DEFAULT_SCREEN_FILE : null);
  if ((!screenId || !token) && file) {
    const f = await readScreenFile(file);
    screenId ??= f.screenId;
    token ??= f.token;
    serverUrl ??= f.serverUrl;
    mqttUrl ??= f.mqttUrl;
  }
  if (!screenId || !token) {
    throw new Error(
      'no screen identity: set STANDER_SCREEN_ID and STANDER_SCREEN_TOKEN, or provision a screen file',
    );
  }
  const dataHome = env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return {
    screenId,
    token,
    serverUrl: serverUrl ?? 'http://127.0.0.1:8080',
    mqttUrl: mqttUrl ?? 'mqtt://127.0.0.1:1883',
    cacheDir: env.STANDER_CACHE_DIR ?? join(dataHome, 'stander', 'screens', screenId),
    uiPort: port(env.STANDER_UI_PORT, 8090),
    shell: pickShell(env, electronAvailable),
    displays: parseDisplays(env.STANDER_DISPLAYS),
    memoryLimitMb: Number(env.STANDER_RENDERER_MEMORY_MB ?? 800) || 800,
    mapTiles: env.STANDER_MAP_TILES ? resolve(env.STANDER_MAP_TILES) : null,
  };
}
