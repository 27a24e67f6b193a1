import { listEntries, type ReadResult, readNumber, readText, under, writeText } from './sysfs.ts';

/** Backlight through /sys/class/backlight/<device>/{brightness,max_brightness,bl_power}. */

export interface BacklightReading {
  device: string;
  raw: number;
  max: number;
  /** 0..100 */
  percent: number;
  /** From bl_power (0 = on); null when the driver has no bl_power. */
  powered: boolean | null;
}

export interface BacklightOptions {
  root?: string;
  /** A device name under /sys/class/backlight; the best one is picked when absent. */
  device?: string;
}

const CLASS_DIR = '/sys/class/backlight';
/** The kernel's preference when several interfaces drive one panel (see sysfs-class-backlight). */
const TYPE_RANK: Record<string, number> = { firmware: 0, platform: 1, raw: 2 };
/** FB_BLANK_UNBLANK and FB_BLANK_POWERDOWN from linux/fb.h. */
const BL_ON = '0';
const BL_OFF = '4';

export class Backlight {
  readonly root: string;
  private device: string | null;

  constructor(opts: BacklightOptions = {}) {
    this.root = opts.root ?? '/';
    this.device = opts.device ?? null;
  }

  /** The device in use, detected once; null when the machine has no backlight. */
  async detect(): Promise<string | null> {
    if (this.device) return this.device;
    const names = await listEntries(under(this.root, CLASS_DIR));
    let best: { name: string; rank: number } | null = null;
    for (const name of names) {
      const max = await readNumber(this.attr(name, 'max_brightness'));
      if (!max.ok || max.value <= 0) continue;
      const type = await readText(this.attr(name, 'type'));
      const rank = type.ok ? (TYPE_RANK[type.value] ?? 3) : 3;
      if (!best || rank < best.rank) best = { name, rank };
    }
    this.device = best?.name ?? null;
    return this.device;
  }

  async read(): Promise<ReadResult<BacklightReading>> {
    const device = await this.detect();
    if (!device) return { ok: false, error: 'ENODEV' };
    const max = await readNumber(this.attr(device, 'max_brightness'));
    if (!max.ok) return max;
    if (max.value <= 0) return { ok: false, error: 'EINVAL' };
    const raw = await readNumber(this.attr(device, 'brightness'));
    if (!raw.ok) return raw;
    const power = await readNumber(this.attr(device, 'bl_power'));
    return {
      ok: true,
      value: {
        device,
        raw: raw.value,
        max: max.value,
        percent: Math.round((raw.value / max.value) * 100),
        powered: power.ok ? power.value === 0 : null,
      },
    };
  }

  /** Sets brightness in percent (clamped to 0..100); any level above 0 keeps at least raw 1 lit. */
  async setPercent(percent: number): Promise<ReadResult<number>> {
    const device = await this.detect();
    if (!device) return { ok: false, error: 'ENODEV' };
    if (!Number.isFinite(percent)) return { ok: false, error: 'EINVAL' };
    const max = await readNumber(this.attr(device, 'max_brightness'));
    if (!max.ok) return max;
    const p = Math.min(100, Math.max(0, percent));
    const raw = p === 0 ? 0 : Math.max(1, Math.round((p / 100) * max.value));
    const w = await writeText(this.attr(device, 'brightness'), String(raw));
    return w.ok ? { ok: true, value: raw } : w;
  }

  /** Powers the panel's backlight on or off through bl_power. */
  async setPower(on: boolean): Promise<ReadResult<true>> {
    const device = await this.detect();
    if (!device) return { ok: false, error: 'ENODEV' };
    return writeText(this.attr(device, 'bl_power'), on ? BL_ON : BL_OFF);
  }

  private attr(device: string, name: string): string {
    return under(this.root, `${CLASS_DIR}/${device}/${name}`);
  }
}
