import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { SystemdNotifier } from '../../../hardware/index.ts';
import { startAgent } from '../../agent/index.ts';
import { startHardwareFromEnv } from '../hardware-adapter.ts';
import { readShellSettings } from '../settings.ts';
import { startElectronShell } from './shell.ts';

/**
 * Entry point of the packaged Electron app (bundled to dist/electron/main.mjs by
 * scripts/build-electron.mjs): the screen's agent runs in this main process, its UI in one locked-down
 * window per display. With STANDER_ELECTRON_SMOKE=1 it prints one READY line once the UI loaded, and quits.
 */

const here = dirname(fileURLToPath(import.meta.url));

app.commandLine.appendSwitch('disable-pinch');
app.commandLine.appendSwitch('overscroll-history-navigation', '0');
app.commandLine.appendSwitch('disable-features', 'Translate');
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main().catch((err: unknown) => {
    console.error(`stander-kiosk: ${(err as Error).stack ?? String(err)}`);
    app.exit(1);
  });
}

async function main(): Promise<void> {
  await app.whenReady();
  const s = await readShellSettings(process.env, () => true);
  const hw = await startHardwareFromEnv(process.env, {
    cacheDir: s.cacheDir,
    // the packaged kiosk arms /dev/watchdog: a hung machine reboots
    watchdog: app.isPackaged,
  });
  const agent = await startAgent({
    screenId: s.screenId,
    token: s.token,
    serverUrl: s.serverUrl,
    mqttUrl: s.mqttUrl,
    cacheDir: s.cacheDir,
    uiPort: s.uiPort,
    rendererDir: process.env.STANDER_RENDERER_DIR ?? join(app.getAppPath(), 'dist', 'renderer'),
    appVersion: app.getVersion(),
    hardware: hw.port,
    mapTiles: s.mapTiles,
  });
  if (!agent.uiUrl) throw new Error('agent started without its UI server');
  const shell = startElectronShell({
    url: `${agent.uiUrl}/`,
    preload: join(here, 'preload.cjs'),
    agent,
    displays: s.displays,
    memoryLimitMb: s.memoryLimitMb,
  });
  agent.setShell(shell);
  // display off where there is no DPMS, backlight or DDC/CI: the windows go black
  hw.hardware.displayPower.setShell((on) => shell.setDisplay(on));
  // Type=notify unit: READY once the UI is up, then WATCHDOG=1 while the main loop runs
  const notifier = new SystemdNotifier();
  notifier.start();

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    notifier.stop();
    shell.stop();
    await agent.close().catch(() => undefined);
    await hw.stop().catch(() => undefined);
    app.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  app.on('window-all-closed', () => void stop(0));

  if (process.env.STANDER_ELECTRON_SMOKE === '1') {
    const wc = shell.windows[0]?.webContents;
    wc?.once('did-finish-load', async () => {
      const probe = (await wc.executeJavaScript(
        `JSON.stringify({ bridge: typeof window.stander, keys: Object.keys(window.stander || {}).sort(),
          node: typeof require, process: typeof process, title: document.title })`,
      )) as string;
      console.log(`STANDER_ELECTRON_READY ${probe}`);
      void stop(0);
    });
  }
}
