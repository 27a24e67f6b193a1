import { listEntries, type ReadResult, readNumber, under } from './sysfs.ts';

/**
 * Ambient light sensor through the Linux IIO subsystem:
 * /sys/bus/iio/devices/iio:deviceN/in_illuminance_input (lux), or in_illuminance_raw with
 * in_illuminance_scale and in_illuminance_offset: lux = (raw + offset) * scale.
 */

const IIO_DIR = '/sys/bus/iio/devices';

export interface AmbientOptions {
  root?: string;
  /** e.g. 'iio:device0'; the first device with an illuminance channel is used when absent. */
  device?: string;
}

export class AmbientLight {
  readonly root: string;
  private device: string | null;

  constructor(opts: AmbientOptions = {}) {
    this.root = opts.root ?? '/';
    this.device = opts.device ?? null;
  }

  async detect(): Promise<string | null> {
    if (this.device) return this.device;
    for (const name of await listEntries(under(this.root, IIO_DIR), 'iio:device')) {
      const input = await readNumber(this.attr(name, 'in_illuminance_input'));
      const raw = input.ok ? input : await readNumber(this.attr(name, 'in_illuminance_raw'));
      if (raw.ok) {
        this.device = name;
        return name;
      }
    }
    return null;
  }

  /** Illuminance in lux. */
  async readLux(): Promise<ReadResult<number>> {
    const device = await this.detect();
    if (!device) return { ok: false, error: 'ENODEV' };
    const input = await readNumber(this.attr(device, 'in_illuminance_input'));
    if (input.ok) return { ok: true, value: Math.max(0, input.value) };
    const raw = await readNumber(this.attr(device, 'in_illuminance_raw'));
    if (!raw.ok) return raw;
    const scale = await readNumber(this.attr(device, 'in_illuminance_scale'));
    const offset = await readNumber(this.attr(device, 'in_illuminance_offset'));
    const lux = (raw.value + (offset.ok ? offset.value : 0)) * (scale.ok ? scale.value : 1);
    return { ok: true, value: Math.max(0, lux) };
  }

  private attr(device: string, name: string): string {
    return under(this.root, `${IIO_DIR}/${device}/${name}`);
  }
}

/** Points of the automatic brightness curve: lux -> percent, interpolated on a log scale. */
export type BrightnessCurve = ReadonlyArray<readonly [lux: number, percent: number]>;

/** Night street ~1-10 lux, overcast day ~1000, direct sun 10 000+: a sunlit kiosk needs full power. */
export const DEFAULT_CURVE: BrightnessCurve = [
  [0, 8],
  [10, 20],
  [100, 40],
  [1000, 70],
  [10_000, 100],
];

/** The curve's brightness for a lux value: piecewise linear in log10(1 + lux), clamped at both ends. */
export function brightnessForLux(lux: number, curve: BrightnessCurve = DEFAULT_CURVE): number {
  if (curve.length === 0) throw new Error('empty brightness curve');
  const x = Math.log10(1 + Math.max(0, Number.isFinite(lux) ? lux : 0));
  const first = curve[0]!;
  if (x <= Math.log10(1 + first[0])) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [l0, p0] = curve[i - 1]!;
    const [l1, p1] = curve[i]!;
    const x0 = Math.log10(1 + l0);
    const x1 = Math.log10(1 + l1);
    if (x <= x1) return Math.round(p0 + ((x - x0) / (x1 - x0)) * (p1 - p0));
  }
  return curve[curve.length - 1]![1];
}

export interface AutoBrightnessOptions {
  curve?: BrightnessCurve;
  /** Smoothing time constant: a step in light moves the target ~63 % of the way in this time. */
  timeConstantMs?: number;
  /** No change smaller than this (percent points) is applied, so the panel does not flicker. */
  hysteresis?: number;
}

/**
 * Turns a stream of lux readings into brightness changes: exponential smoothing in log space
 * (a passing shadow or headlight does not pump the screen), then hysteresis.
 */
export class AutoBrightness {
  private readonly curve: BrightnessCurve;
  private readonly tau: number;
  private readonly hysteresis: number;
  private smoothed: number | null = null;
  private lastAt = 0;
  private applied: number | null = null;

  constructor(opts: AutoBrightnessOptions = {}) {
    this.curve = opts.curve ?? DEFAULT_CURVE;
    this.tau = opts.timeConstantMs ?? 20_000;
    this.hysteresis = opts.hysteresis ?? 3;
  }

  /** Feeds one reading; returns the brightness to apply now, or null when nothing should change. */
  update(lux: number, nowMs: number): number | null {
    const x = Math.log10(1 + Math.max(0, lux));
    if (this.smoothed === null) {
      this.smoothed = x;
    } else {
      const dt = Math.max(0, nowMs - this.lastAt);
      const alpha = this.tau <= 0 ? 1 : 1 - Math.exp(-dt / this.tau);
      this.smoothed += alpha * (x - this.smoothed);
    }
    this.lastAt = nowMs;
    const target = brightnessForLux(10 ** this.smoothed - 1, this.curve);
    if (this.applied !== null && Math.abs(target - this.applied) < this.hysteresis) return null;
    this.applied = target;
    return target;
  }

  /** The brightness last returned by update(), or null before the first reading. */
  get current(): number | null {
    return this.applied;
  }
}

export interface AmbientReportOptions {
  /** A change of at least this in log10(1 + lux) is reported (0.1 is ~26 %). */
  minLogChange?: number;
  /** No two reports closer than this, unless the sensor appears or disappears. */
  minIntervalMs?: number;
  /** An unchanged reading is reported again after this, so its reader can tell it is current. */
  heartbeatMs?: number;
}

/**
 * Decides which sensor readings are worth passing on (to the UI, whose state is re-sent whole on
 * each change): a real change of light, or a heartbeat, never every poll.
 */
export class AmbientReporter {
  private readonly minLogChange: number;
  private readonly minIntervalMs: number;
  private readonly heartbeatMs: number;
  private last: { lux: number | null; at: number } | null = null;

  constructor(opts: AmbientReportOptions = {}) {
    this.minLogChange = opts.minLogChange ?? 0.1;
    this.minIntervalMs = opts.minIntervalMs ?? 10_000;
    this.heartbeatMs = opts.heartbeatMs ?? 60_000;
  }

  /** A reading (lux) or a failed one (null) at nowMs: should it be reported? */
  offer(lux: number | null, nowMs: number): boolean {
    const last = this.last;
    let report: boolean;
    if (!last) report = true;
    else if ((last.lux === null) !== (lux === null)) report = true;
    else if (nowMs - last.at < this.minIntervalMs) report = false;
    else if (nowMs - last.at >= this.heartbeatMs) report = true;
    else if (lux === null || last.lux === null) report = false;
    else report = Math.abs(Math.log10(1 + lux) - Math.log10(1 + last.lux)) >= this.minLogChange;
    if (report) this.last = { lux, at: nowMs };
    return report;
  }
}
