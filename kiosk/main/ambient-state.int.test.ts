import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Hardware } from '../../hardware/index.ts';
import { putFile, tempRoot } from '../../hardware/test-tree.ts';
import { type AgentHandle, startAgent } from '../agent/index.ts';
import { silentLogger } from '../agent/log.ts';
import type { BridgeServerMessage, KioskState } from '../bridge/types.ts';
import { LinuxHardwarePort } from './hardware-adapter.ts';

/**
 * The light sensor end to end on the screen side: a simulated sysfs iio tree, the real driver
 * (hardware/), the shell's HardwarePort, the agent, and the state as the UI receives it on the
 * /bridge WebSocket.
 */

const RAW = 'sys/bus/iio/devices/iio:device0/in_illuminance_raw';
let dir: string;
let hw: Hardware;
let agent: AgentHandle | null = null;
let ws: WebSocket | null = null;

beforeEach(async () => {
  dir = await tempRoot();
  await putFile(dir, RAW, '10\n');
  await putFile(dir, 'sys/bus/iio/devices/iio:device0/in_illuminance_scale', '0.5\n');
  await mkdir(join(dir, 'cache'));
  await mkdir(join(dir, 'ui'));
  await putFile(dir, 'ui/index.html', '<!doctype html><title>ui</title>');
  hw = new Hardware({
    root: dir,
    ddc: false,
    autoBrightness: { enabled: false, everyMs: 50 },
    ambientReport: { minIntervalMs: 0 },
  });
  await hw.start();
});
afterEach(async () => {
  ws?.close();
  await agent?.close();
  agent = null;
  await hw.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The bridge's latest state, as a UI would hold it. */
function connect(url: string): { latest: () => KioskState | null; opened: Promise<void> } {
  let latest: KioskState | null = null;
  ws = new WebSocket(`${url.replace('http', 'ws')}/bridge`, { headers: { origin: url } });
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as BridgeServerMessage;
    if (m.type === 'state') latest = m.state;
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws!.once('open', () => resolve());
    ws!.once('error', reject);
  });
  return { latest: () => latest, opened };
}

describe('ambient light: sysfs -> hardware -> agent -> bridge state', () => {
  it('carries the lux into KioskState, follows changes, and says null when the sensor fails', async () => {
    agent = await startAgent({
      screenId: 'scr-ambient',
      token: 'tok',
      serverUrl: 'http://127.0.0.1:1',
      mqttUrl: 'mqtt://127.0.0.1:1',
      cacheDir: join(dir, 'cache'),
      uiPort: 0,
      rendererDir: join(dir, 'ui'),
      hardware: new LinuxHardwarePort(hw),
      log: silentLogger,
      offline: true,
    });
    const ui = connect(agent.uiUrl!);
    await ui.opened;
    await expect.poll(() => ui.latest()?.ambient?.lux).toBe(5);
    const at = Date.parse(ui.latest()!.ambient!.at);
    expect(Math.abs(Date.now() - at)).toBeLessThan(60_000);

    await putFile(dir, RAW, '6000\n'); // 3000 lux: day
    await expect.poll(() => ui.latest()?.ambient?.lux).toBe(3000);
    expect(agent.getState().ambient?.lux).toBe(3000);

    // A reading no sensor can make is refused at the agent's boundary, counted, and not shown.
    await putFile(dir, RAW, '9000000\n'); // 4.5 million lux
    await expect.poll(() => agent!.core.invalidAmbientReadings).toBeGreaterThan(0);
    expect(ui.latest()?.ambient?.lux).toBe(3000);

    await rm(join(dir, RAW)); // the sensor disappears
    await expect.poll(() => ui.latest()?.ambient).toBeNull();
  });

  it('leaves the field out where the device has no light sensor', async () => {
    await rm(join(dir, 'sys/bus/iio'), { recursive: true });
    const bare = new Hardware({ root: dir, ddc: false, autoBrightness: { everyMs: 50 } });
    await bare.start();
    agent = await startAgent({
      screenId: 'scr-dark',
      token: 'tok',
      serverUrl: 'http://127.0.0.1:1',
      mqttUrl: 'mqtt://127.0.0.1:1',
      cacheDir: join(dir, 'cache'),
      uiPort: 0,
      rendererDir: join(dir, 'ui'),
      hardware: new LinuxHardwarePort(bare),
      log: silentLogger,
      offline: true,
    });
    const ui = connect(agent.uiUrl!);
    await ui.opened;
    await expect.poll(() => ui.latest()?.screenId).toBe('scr-dark');
    await new Promise((r) => setTimeout(r, 300));
    expect(ui.latest()?.ambient).toBeUndefined();
    await bare.stop();
  });
});
