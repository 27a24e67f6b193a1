import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DateTime } from 'luxon';

/**
 * A simulated machine for development, the demo and tests: writes a fake sysfs tree (backlight, an
 * ambient light sensor, two thermal zones, a watchdog device file) under a directory, and moves its
 * sensors over time — daylight follows the sun in Copenhagen, the SoC warms with backlight power.
 * The real drivers then run unchanged against that directory as their root.
 */

export interface SimulatorOptions {
  maxBrightness?: number;
  /** Raw ADC counts -> lux factor written to in_illuminance_scale. */
  luxScale?: number;
  zone?: string;
}

export const SIM_BACKLIGHT = 'sim_backlight';
export const SIM_IIO = 'iio:device0';

async function put(root: string, path: string, value: string): Promise<void> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, `${value}\n`);
}

/** Writes a fresh simulated sysfs tree under root and returns its paths. */
export async function createSimulatedTree(root: string, opts: SimulatorOptions = {}): Promise<void> {
  const max = opts.maxBrightness ?? 255;
  const bl = `sys/class/backlight/${SIM_BACKLIGHT}`;
  await put(root, `${bl}/max_brightness`, String(max));
  await put(root, `${bl}/brightness`, String(Math.round(max * 0.6)));
  await put(root, `${bl}/actual_brightness`, String(Math.round(max * 0.6)));
  await put(root, `${bl}/bl_power`, '0');
  await put(root, `${bl}/type`, 'raw');
  const iio = `sys/bus/iio/devices/${SIM_IIO}`;
  await put(root, `${iio}/name`, 'sim-als');
  await put(root, `${iio}/in_illuminance_raw`, '1000');
  await put(root, `${iio}/in_illuminance_scale`, String(opts.luxScale ?? 0.5));
  await put(root, 'sys/class/thermal/thermal_zone0/type', 'cpu-thermal');
  await put(root, 'sys/class/thermal/thermal_zone0/temp', '45000');
  await put(root, 'sys/class/thermal/thermal_zone1/type', 'enclosure');
  await put(root, 'sys/class/thermal/thermal_zone1/temp', '30000');
  await put(root, 'dev/watchdog', '');
}

/** Outdoor illuminance for a time of day: ~0.5 lux at night, up to ~20 000 lux at solar noon. */
export function simulatedLux(at: Date, zone = 'Europe/Copenhagen'): number {
  const local = DateTime.fromJSDate(at, { zone });
  const hour = local.hour + local.minute / 60;
  // Copenhagen daylight ~06:00-20:00 around the equinox; a sine arch between sunrise and sunset.
  const sunrise = 6;
  const sunset = 20;
  if (hour <= sunrise || hour >= sunset) return 0.5;
  const arch = Math.sin((Math.PI * (hour - sunrise)) / (sunset - sunrise));
  return 0.5 + 20_000 * arch ** 2;
}

export class HardwareSimulator {
  private timer: NodeJS.Timeout | null = null;
  private readonly scale: number;
  private readonly zone: string;

  constructor(
    readonly root: string,
    opts: SimulatorOptions = {},
  ) {
    this.scale = opts.luxScale ?? 0.5;
    this.zone = opts.zone ?? 'Europe/Copenhagen';
  }

  /** Creates the tree and starts moving the sensors every `everyMs`. */
  async start(everyMs = 5000, now: () => Date = () => new Date()): Promise<void> {
    await createSimulatedTree(this.root, { luxScale: this.scale, zone: this.zone });
    await this.tick(now());
    this.timer = setInterval(() => void this.tick(now()).catch(() => undefined), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One step: light from the time of day, the kernel's actual_brightness follows brightness, heat follows both. */
  async tick(at: Date): Promise<{ lux: number; cpuC: number }> {
    const bl = join(this.root, 'sys/class/backlight', SIM_BACKLIGHT);
    const lux = simulatedLux(at, this.zone);
    await writeFile(
      join(this.root, 'sys/bus/iio/devices', SIM_IIO, 'in_illuminance_raw'),
      `${Math.round(lux / this.scale)}\n`,
    );
    const raw = Number((await readFile(join(bl, 'brightness'), 'utf8').catch(() => '0')).trim()) || 0;
    const max = Number((await readFile(join(bl, 'max_brightness'), 'utf8').catch(() => '255')).trim()) || 255;
    const power = (await readFile(join(bl, 'bl_power'), 'utf8').catch(() => '0')).trim() === '0';
    await writeFile(join(bl, 'actual_brightness'), `${power ? raw : 0}\n`);
    const load = power ? raw / max : 0;
    const ambientC = 8 + Math.min(20, lux / 1000);
    const cpuC = Math.round((ambientC + 25 + 20 * load) * 10) / 10;
    await writeFile(join(this.root, 'sys/class/thermal/thermal_zone0/temp'), `${Math.round(cpuC * 1000)}\n`);
    await writeFile(
      join(this.root, 'sys/class/thermal/thermal_zone1/temp'),
      `${Math.round((ambientC + 5 + 8 * load) * 1000)}\n`,
    );
    return { lux, cpuC };
  }
}
