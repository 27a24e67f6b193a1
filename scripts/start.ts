import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadSettings } from '../control-server/config.ts';
import { createLogger } from '../control-server/log.ts';
import { type StanderServer, startServer } from '../control-server/server.ts';
import { type AgentHandle, startAgent } from '../kiosk/agent/index.ts';
import { createLogger as createAgentLogger } from '../kiosk/agent/log.ts';
import type { BrowserShell } from '../kiosk/main/browser-shell.ts';
import { startDeviceHardware } from '../kiosk/main/hardware-adapter.ts';
import { electronBinary, launchElectron, startBrowserShellFor } from '../kiosk/main/launch.ts';
import type { ScreenProfile } from '../protocol/index.ts';
import { type DemoScreen, ensureDemoScreens } from './demo-screens.ts';

/**
 * `npm start`: the whole system on one machine. The control server with its embedded broker and the
 * demo feeds, one demo screen of each profile with its agent (simulated hardware), their UIs in
 * Electron where it is installed, else in Chromium where there is a display, else printed as URLs.
 * Prints the dashboard URL, every screen URL and the admin login; Ctrl-C stops everything cleanly.
 *
 * Flags: every server setting (--data-dir, --http-port, --mqtt-port, ... see `npm run server -- --help`),
 * plus --ui-ports 8090,8091,8092 (STANDER_UI_PORTS; a busy port falls back to a free one),
 * --shell electron|chromium|none (STANDER_SHELL) and --no-build.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DEMO_WINDOW: Record<ScreenProfile, [number, number]> = {
  'street-kiosk': [540, 960],
  'info-screen': [960, 540],
  'parking-post': [800, 480],
};

interface StartOptions {
  uiPorts: number[];
  shell: 'electron' | 'chromium' | 'none';
  build: boolean;
  serverArgs: string[];
}

export function parseStartArgs(argv: string[], env: NodeJS.ProcessEnv): StartOptions {
  const rest: string[] = [];
  let uiPorts = env.STANDER_UI_PORTS ?? '8090,8091,8092';
  let shell = env.STANDER_SHELL;
  let build = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, null];
    const value = () => {
      if (inline !== null) return inline;
      const v = argv[++i];
      if (v === undefined) throw new ConfigError([`flag ${flag} needs a value`]);
      return v;
    };
    if (flag === '--ui-ports') uiPorts = value();
    else if (flag === '--shell') shell = value();
    else if (flag === '--no-build') build = false;
    else rest.push(a);
  }
  const ports = uiPorts.split(',').map((p) => Number(p.trim()));
  if (ports.length !== 3 || ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
    throw new ConfigError([`STANDER_UI_PORTS (--ui-ports) = "${uiPorts}": three ports, e.g. 8090,8091,8092`]);
  }
  let kind: StartOptions['shell'];
  if (shell === 'electron' || shell === 'chromium' || shell === 'none') kind = shell;
  else if (shell) throw new ConfigError([`STANDER_SHELL (--shell) = "${shell}": electron, chromium or none`]);
  else kind = electronBinary() ? 'electron' : env.DISPLAY || env.WAYLAND_DISPLAY ? 'chromium' : 'none';
  return { uiPorts: ports, shell: kind, build, serverArgs: rest };
}

/** `port` when it is free on 127.0.0.1, else (or for 0) a free port the system picks. */
export function freePortOr(port: number): Promise<number> {
  const tryListen = (p: number) =>
    new Promise<number | null>((done) => {
      const srv = createServer();
      srv.once('error', () => done(null));
      srv.listen(p, '127.0.0.1', () => {
        const got = (srv.address() as { port: number }).port;
        srv.close(() => done(got));
      });
    });
  return tryListen(port).then((got) => got ?? tryListen(0).then((any) => any ?? 0));
}

interface RunningScreen {
  screen: DemoScreen;
  url: string;
  stop(): Promise<void>;
}

async function startScreen(
  server: StanderServer,
  screen: DemoScreen,
  port: number,
  opts: StartOptions,
  dataDir: string,
  logLevel: string,
): Promise<RunningScreen> {
  port = await freePortOr(port);
  const cacheDir = join(dataDir, 'screens', screen.id);
  const simDir = join(dataDir, 'hardware', screen.id);
  if (opts.shell === 'electron') {
    const child: ChildProcess = launchElectron({
      ...process.env,
      STANDER_SCREEN_ID: screen.id,
      STANDER_SCREEN_TOKEN: screen.token,
      STANDER_SERVER_URL: server.httpUrl,
      STANDER_MQTT_URL: server.mqttUrl,
      STANDER_CACHE_DIR: cacheDir,
      STANDER_UI_PORT: String(port),
      STANDER_HARDWARE: 'sim',
      STANDER_LOG_LEVEL: logLevel,
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    return {
      screen,
      url: `http://127.0.0.1:${port}`,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  }
  const hw = await startDeviceHardware({ mode: 'sim', simDir, diskPath: dataDir });
  const common = {
    screenId: screen.id,
    token: screen.token,
    serverUrl: server.httpUrl,
    mqttUrl: server.mqttUrl,
    cacheDir,
    hardware: hw.port,
    log: createAgentLogger({ level: logLevel, screenId: screen.id }),
  };
  let agent: AgentHandle | null = null;
  let shell: BrowserShell | null = null;
  try {
    try {
      agent = await startAgent({ ...common, uiPort: port });
    } catch (err) {
      // taken between the check and the listen: any free port will do
      if (!/could not listen/.test((err as Error).message)) throw err;
      agent = await startAgent({ ...common, uiPort: 0 });
    }
    if (opts.shell === 'chromium') {
      shell = await startBrowserShellFor(agent, { kiosk: false, windowSize: DEMO_WINDOW[screen.profile] });
    }
  } catch (err) {
    await agent?.close().catch(() => undefined);
    await hw.stop().catch(() => undefined);
    throw err;
  }
  const started = agent;
  return {
    screen,
    url: started.uiUrl ?? '',
    stop: async () => {
      await shell?.stop().catch(() => undefined);
      await started.close().catch(() => undefined);
      await hw.stop().catch(() => undefined);
    },
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let opts: StartOptions;
  let settings: ReturnType<typeof loadSettings>;
  try {
    opts = parseStartArgs(argv, process.env);
    settings = loadSettings(opts.serverArgs);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`npm start: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (opts.build) {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts/build.mjs'), '--if-stale'], {
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      process.stderr.write('npm start: building the UIs failed (see above)\n');
      process.exit(1);
    }
  }
  const logLevel = process.env.STANDER_LOG_LEVEL ?? 'warn';
  const log = createLogger('stander', logLevel);
  const feeds = existsSync(settings.feedsConfig);
  // The demo's kiosks hand off to the companion on this machine unless a public URL is configured.
  const mobileBaseUrl =
    settings.mobileBaseUrl ??
    (settings.httpPort !== 0 ? `http://127.0.0.1:${settings.httpPort}/m/` : undefined);
  const server = await startServer({ ...settings, log, feeds, ...(mobileBaseUrl ? { mobileBaseUrl } : {}) });
  const running: RunningScreen[] = [];
  let stopping = false;
  let stoppingSince = 0;
  const stop = async (signal: string) => {
    if (stopping) {
      // Ctrl-C reaches us twice (from the terminal and relayed by tsx): only a later one forces
      if (Date.now() - stoppingSince < 2000) return;
      process.stderr.write('npm start: forced exit\n');
      process.exit(1);
    }
    stopping = true;
    stoppingSince = Date.now();
    process.stdout.write(`\nStopping (${signal})...\n`);
    const force = setTimeout(() => {
      process.stderr.write('npm start: shutdown took too long, exiting\n');
      process.exit(1);
    }, 20_000);
    force.unref();
    await Promise.all(running.map((r) => r.stop()));
    await server.close();
    process.stdout.write('Stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    const screens = await ensureDemoScreens(server);
    for (const [i, screen] of screens.entries()) {
      running.push(await startScreen(server, screen, opts.uiPorts[i]!, opts, settings.dataDir, logLevel));
    }
  } catch (err) {
    process.stderr.write(`npm start: ${(err as Error).message}\n`);
    await Promise.all(running.map((r) => r.stop()));
    await server.close();
    process.exit(1);
  }

  const lines = [
    '',
    'Stander is running.',
    `  Dashboard:      ${server.httpUrl}/`,
    `  MQTT broker:    ${server.mqttUrl}${server.wsUrl ? `  (WebSocket ${server.wsUrl})` : ''}`,
  ];
  if (server.admin.created) {
    lines.push(
      server.admin.generated
        ? `  Admin login:    admin / ${server.admin.password}   (generated on this first start, shown once)`
        : '  Admin login:    admin / the password in STANDER_ADMIN_PASSWORD',
    );
  } else {
    lines.push(
      '  Admin login:    admin / the password printed on the first start (or STANDER_ADMIN_PASSWORD then)',
    );
  }
  for (const r of running) lines.push(`  Screen ${r.screen.id} (${r.screen.profile}): ${r.url}/`);
  lines.push(
    `  Shell:          ${opts.shell === 'none' ? 'none (open the screen URLs in a browser)' : opts.shell}`,
    `  Data:           ${settings.dataDir}`,
    '',
    'Ready. Press Ctrl-C to stop.',
    '',
  );
  process.stdout.write(lines.join('\n'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
