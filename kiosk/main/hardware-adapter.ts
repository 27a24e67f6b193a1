import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  Hardware,
  type HardwareOptions,
  HardwareSimulator,
  maxTemperature,
  parseCommand,
  readDisk,
  xsetDpms,
} from '../../hardware/index.ts';
import type { HardwarePort } from '../agent/hardware-port.ts';
import type { AmbientReading } from '../bridge/types.ts';

/**
 * The agent's HardwarePort on top of hardware/: the Linux drivers on a kiosk (root '/'), or the same
 * drivers against a simulated sysfs tree in development and the demo. A failed write is an error the
 * command result reports ("no backlight or DDC monitor"), never a silent success.
 */
export class LinuxHardwarePort implements HardwarePort {
  constructor(readonly hw: Hardware) {}

  async getBrightness(): Promise<number | null> {
    const r = await this.hw.backlight.read();
    return r.ok ? r.value.percent : (await this.hw.snapshot()).display.brightness;
  }

  async setBrightness(level: number): Promise<void> {
    if (!Number.isFinite(level) || level < 0 || level > 100)
      throw new Error(`brightness out of range: ${level}`);
    const r = await this.hw.setBrightness(level);
    if (!r.ok) throw new Error('no backlight or DDC/CI monitor to set the brightness on');
  }

  async getDisplayPower(): Promise<boolean> {
    return this.hw.displayPower.on;
  }

  async setDisplayPower(on: boolean): Promise<void> {
    const r = await this.hw.setDisplay(on);
    if (!r.ok)
      throw new Error(`display could not be switched ${on ? 'on' : 'off'}: no DPMS, backlight or DDC/CI`);
  }

  getTemperatureC(): Promise<number | null> {
    return maxTemperature(this.hw.root);
  }

  async reboot(): Promise<void> {
    const r = await this.hw.rebooter.reboot();
    if (!r.ok) throw new Error(r.message);
  }

  async diskFree(path: string): Promise<{ freeBytes: number; totalBytes: number } | null> {
    const r = await readDisk(path);
    return r.ok ? r.value : null;
  }

  /** The iio light sensor's reported readings (hardware/index.ts onAmbient), as the bridge carries them. */
  watchAmbient(listener: (reading: AmbientReading | null) => void): () => void {
    return this.hw.onAmbient((s) =>
      listener(s === null ? null : { lux: s.lux, at: new Date(s.at).toISOString() }),
    );
  }
}

export interface DeviceHardwareOptions extends HardwareOptions {
  /** 'linux' drives the real /sys (or `root`); 'sim' creates and animates a simulated tree in simDir. */
  mode: 'linux' | 'sim';
  simDir?: string;
  /** Delete the simulated tree on stop (a temporary one). */
  removeSimDir?: boolean;
}

/** Builds and starts the port for a screen; returns a stop function for a clean exit. */
export async function startDeviceHardware(
  opts: DeviceHardwareOptions,
): Promise<{ port: LinuxHardwarePort; hardware: Hardware; stop: () => Promise<void> }> {
  let sim: HardwareSimulator | null = null;
  const hwOpts: HardwareOptions = { ...opts };
  if (opts.mode === 'sim') {
    const dir = opts.simDir ?? join(process.cwd(), 'data', 'hardware-sim');
    await mkdir(dir, { recursive: true });
    sim = new HardwareSimulator(dir);
    await sim.start();
    hwOpts.root = dir;
    // a simulated machine has no monitor to talk DDC/CI to, and never reboots for real
    hwOpts.ddc = false;
    hwOpts.rebootCommand ??= ['true'];
  }
  const hardware = new Hardware(hwOpts);
  await hardware.start();
  return {
    port: new LinuxHardwarePort(hardware),
    hardware,
    stop: async () => {
      await hardware.stop();
      sim?.stop();
      if (sim && opts.removeSimDir) await rm(sim.root, { recursive: true, force: true });
    },
  };
}

/** True when `root` has a backlight a kiosk would drive. */
export function hasBacklight(root = '/'): boolean {
  const dir = join(root, 'sys/class/backlight');
  try {
    return existsSync(dir) && readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/**
 * The screen's hardware from its environment, for `npm run kiosk` and the Electron app:
 * STANDER_HARDWARE = linux | sim | auto (default: linux where a backlight exists, else the simulator),
 * STANDER_HARDWARE_ROOT (default /), STANDER_REBOOT_COMMAND (default `systemctl reboot`),
 * STANDER_WATCHDOG=1 to arm /dev/watchdog. DPMS through `xset` where there is an X display.
 */
export async function startHardwareFromEnv(
  env: NodeJS.ProcessEnv,
  opts: { cacheDir: string; watchdog?: boolean },
): ReturnType<typeof startDeviceHardware> {
  const mode = env.STANDER_HARDWARE ?? 'auto';
  if (!['linux', 'sim', 'auto'].includes(mode)) {
    throw new Error(`invalid STANDER_HARDWARE "${mode}": linux, sim or auto`);
  }
  const root = env.STANDER_HARDWARE_ROOT ?? '/';
  const linux = mode === 'linux' || (mode === 'auto' && hasBacklight(root));
  return startDeviceHardware({
    mode: linux ? 'linux' : 'sim',
    root,
    diskPath: opts.cacheDir,
    // the simulated tree lives outside the cache, which clear-cache may wipe at any time
    simDir: join(tmpdir(), `stander-hardware-sim-${process.pid}-${basename(opts.cacheDir)}`),
    removeSimDir: true,
    watchdog: linux && (opts.watchdog ?? env.STANDER_WATCHDOG === '1'),
    ...(env.STANDER_REBOOT_COMMAND ? { rebootCommand: parseCommand(env.STANDER_REBOOT_COMMAND) } : {}),
    ...(linux && env.DISPLAY ? { shellDisplay: xsetDpms(undefined, env) } : {}),
  });
}
