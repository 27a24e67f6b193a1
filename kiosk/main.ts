import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IdSchema } from '../protocol/index.ts';
import { startAgent } from './agent/index.ts';
import { createLogger } from './agent/log.ts';
import { startHardwareFromEnv } from './main/hardware-adapter.ts';

/**
 * `npm run kiosk -- [flags]`: one screen, its agent and its UI in the chosen shell.
 * Settings come from the environment (DESIGN.md); a flag of the same name overrides, either
 * spelled like the variable (--STANDER_UI_PORT=8091) or short (--ui-port 8091).
 */

export type ShellKind = 'electron' | 'chromium' | 'none';

export interface KioskSettings {
  serverUrl: string;
  mqttUrl: string;
  screenId: string;
  token: string;
  cacheDir: string;
  uiPort: number;
  shell: ShellKind;
  logLevel: string;
  /** Absolute path of a local MBTiles/PMTiles file for the map, or null for the built-in base map. */
  mapTiles: string | null;
}

const FLAGS = {
  'server-url': 'STANDER_SERVER_URL',
  'mqtt-url': 'STANDER_MQTT_URL',
  'screen-id': 'STANDER_SCREEN_ID',
  'screen-token': 'STANDER_SCREEN_TOKEN',
  'cache-dir': 'STANDER_CACHE_DIR',
  'ui-port': 'STANDER_UI_PORT',
  shell: 'STANDER_SHELL',
  'log-level': 'STANDER_LOG_LEVEL',
  'map-tiles': 'STANDER_MAP_TILES',
} as const;

const HELP = `Usage: npm run kiosk -- [flags]

Runs one screen: its agent (MQTT sync, cache, downloads, schedule, health, commands) and its UI.

  --server-url URL     STANDER_SERVER_URL    control server (default http://127.0.0.1:8080)
  --mqtt-url URL       STANDER_MQTT_URL      broker (default mqtt://127.0.0.1:1883)
  --screen-id ID       STANDER_SCREEN_ID     this screen's id (required)
  --screen-token TOK   STANDER_SCREEN_TOKEN  its device token (required)
  --cache-dir DIR      STANDER_CACHE_DIR     on-disk cache (default $XDG_DATA_HOME/stander/screens/ID)
  --ui-port N          STANDER_UI_PORT       UI server on 127.0.0.1 (default 8090)
  --shell KIND         STANDER_SHELL         electron | chromium | none (default electron if installed)
  --log-level LEVEL    STANDER_LOG_LEVEL     pino level (default info)
  --map-tiles FILE     STANDER_MAP_TILES     local .mbtiles or .pmtiles base map (default: built-in)
`;

/** The shells are loaded only when used, so `--shell none` starts without Playwright or Electron. */
function electronInstalled(): boolean {
  return existsSync(fileURLToPath(new URL('../node_modules/electron/dist/electron', import.meta.url)));
}

export function defaultCacheDir(screenId: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'stander', 'screens', screenId);
}

/** Settings from env and argv; throws an Error with a clear message for anything wrong. */
export function readSettings(argv: string[], env: NodeJS.ProcessEnv = process.env): KioskSettings {
  const options: Record<string, { type: 'string' }> = {};
  for (const [flag, name] of Object.entries(FLAGS)) {
    options[flag] = { type: 'string' };
    options[name] = { type: 'string' };
  }
  const { values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  const get = (flag: keyof typeof FLAGS): string | undefined => {
    const name = FLAGS[flag];
    const v = (values[flag] as string | undefined) ?? (values[name] as string | undefined) ?? env[name];
    return v === '' ? undefined : v;
  };
  const screenId = get('screen-id');
  const token = get('screen-token');
  if (!screenId) throw new Error('STANDER_SCREEN_ID (or --screen-id) is required');
  if (!IdSchema.safeParse(screenId).success) throw new Error(`invalid screen id "${screenId}"`);
  if (!token) throw new Error('STANDER_SCREEN_TOKEN (or --screen-token) is required');
  const uiPort = Number(get('ui-port') ?? 8090);
  if (!Number.isInteger(uiPort) || uiPort < 0 || uiPort > 65535)
    throw new Error(`invalid UI port "${get('ui-port')}"`);
  const shell = (get('shell') ?? (electronInstalled() ? 'electron' : 'chromium')) as ShellKind;
  if (!['electron', 'chromium', 'none'].includes(shell))
    throw new Error(`invalid shell "${shell}": electron, chromium or none`);
  const serverUrl = get('server-url') ?? 'http://127.0.0.1:8080';
  const mqttUrl = get('mqtt-url') ?? 'mqtt://127.0.0.1:1883';
  for (const [what, u] of [
    ['server URL', serverUrl],
    ['MQTT URL', mqttUrl],
  ] as const) {
    try {
      new URL(u);
    } catch {
      throw new Error(`invalid ${what} "${u}"`);
    }
  }
  return {
    serverUrl,
    mqttUrl,
    screenId,
    token,
    cacheDir: get('cache-dir') ?? defaultCacheDir(screenId, env),
    uiPort,
    shell,
    logLevel: get('log-level') ?? 'info',
    mapTiles: get('map-tiles') ? resolve(get('map-tiles')!) : null,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let settings: KioskSettings;
  try {
    settings = readSettings(argv);
  } catch (e) {
    process.stderr.write(`kiosk: ${(e as Error).message}\n\n${HELP}`);
    process.exitCode = 1;
    return;
  }
  const log = createLogger({ level: settings.logLevel, screenId: settings.screenId });
  if (settings.shell === 'electron') {
    // Electron runs the whole screen itself: the agent lives in its main process (kiosk/main/electron).
    const { launchElectron } = await import('./main/launch.ts');
    const child = launchElectron({
      ...process.env,
      STANDER_SERVER_URL: settings.serverUrl,
      STANDER_MQTT_URL: settings.mqttUrl,
      STANDER_SCREEN_ID: settings.screenId,
      STANDER_SCREEN_TOKEN: settings.token,
      STANDER_CACHE_DIR: settings.cacheDir,
      STANDER_UI_PORT: String(settings.uiPort),
      STANDER_SHELL: 'electron',
      STANDER_LOG_LEVEL: settings.logLevel,
    });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
    child.on('exit', (code) => process.exit(code ?? 1));
    return;
  }
  // The device's hardware: Linux drivers where a backlight exists, else the simulator (STANDER_HARDWARE).
  const hw = await startHardwareFromEnv(process.env, { cacheDir: settings.cacheDir });
  const agent = await startAgent({
    screenId: settings.screenId,
    token: settings.token,
    serverUrl: settings.serverUrl,
    mqttUrl: settings.mqttUrl,
    cacheDir: settings.cacheDir,
    uiPort: settings.uiPort,
    hardware: hw.port,
    log,
    mapTiles: settings.mapTiles,
  });
  const uiUrl = agent.uiUrl!;
  const shell =
    settings.shell === 'chromium'
      ? await (await import('./main/launch.ts')).startBrowserShellFor(agent, { log })
      : null;
  process.stdout.write(
    `Stander screen ${settings.screenId}: UI at ${uiUrl} (shell: ${settings.shell}, cache: ${settings.cacheDir})\n`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await shell?.stop().catch(() => undefined);
    await agent.close();
    await hw.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  void main().catch((e: Error) => {
    process.stderr.write(`kiosk: ${e.message}\n`);
    process.exit(1);
  });
}
