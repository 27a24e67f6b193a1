import {
  AmbientLight,
  type AmbientReportOptions,
  AmbientReporter,
  AutoBrightness,
  type AutoBrightnessOptions,
} from './ambient.ts';
import { Backlight } from './backlight.ts';
import { Ddc } from './ddc.ts';
import { readDisk, type DiskReading } from './disk.ts';
import { DisplayPower, type ShellDisplayCallback } from './display-power.ts';
import { Rebooter } from './reboot.ts';
import type { CommandRunner } from './runner.ts';
import { maxTemperature } from './thermal.ts';
import { Watchdog, type WatchdogOptions } from './watchdog.ts';

export * from './ambient.ts';
export * from './backlight.ts';
export * from './ddc.ts';
export * from './disk.ts';
export * from './display-hours.ts';
export * from './display-power.ts';
export * from './reboot.ts';
export * from './runner.ts';
export * from './sd-notify.ts';
export * from './simulator.ts';
export * from './sysfs.ts';
export * from './thermal.ts';
export * from './watchdog.ts';

export interface HardwareOptions {
  /** '/' on a device; the simulator's directory in development and tests. */
  root?: string;
  /** The filesystem whose free space is reported (the screen's cache dir). */
  diskPath?: string;
  rebootCommand?: readonly string[];
  /** Runs external programs (reboot, ddcutil, xset); injected in tests. */
  runner?: CommandRunner;
  /** Use DDC/CI through ddcutil when it is installed and finds a monitor. Default true. */
  ddc?: boolean;
  /** Arm /dev/watchdog under root at start(). Default false: only on a real kiosk. */
  watchdog?: boolean | Omit<WatchdogOptions, 'root'>;
  /** everyMs: how often the light sensor is read (also with automatic brightness off). */
  autoBrightness?: AutoBrightnessOptions & { enabled?: boolean; everyMs?: number };
  /** Which sensor readings onAmbient() listeners get (changes and a heartbeat, not every poll). */
  ambientReport?: AmbientReportOptions;
  /** How long a manual brightness command holds before automatic brightness resumes. */
  manualHoldMs?: number;
  shellDisplay?: ShellDisplayCallback;
  now?: () => number;
}

/** What onAmbient() listeners get: a reading (lux, measured at ms), or null when the sensor fails. */
export type AmbientSample = { lux: number; at: number } | null;

export interface HardwareSnapshot {
  temperatureC: number | null;
  disk: DiskReading | null;
  display: { on: boolean; brightness: number | null };
  lux: number | null;
}

/** Every driver of one screen behind one object; each reading degrades to null, never throws. */
export class Hardware {
  readonly backlight: Backlight;
  readonly ambient: AmbientLight;
  readonly ddc: Ddc | null;
  readonly displayPower: DisplayPower;
  readonly rebooter: Rebooter;
  readonly watchdog: Watchdog | null;
  readonly root: string;
  private readonly auto: AutoBrightness;
  private readonly autoEnabled: boolean;
  private readonly autoEveryMs: number;
  private readonly manualHoldMs: number;
  private readonly now: () => number;
  private readonly diskPath: string;
  private manualUntil = 0;
  private brightness: number | null = null;
  private lux: number | null = null;
  private autoTimer: NodeJS.Timeout | null = null;
  private readonly reporter: AmbientReporter;
  private readonly ambientListeners = new Set<(s: AmbientSample) => void>();
  private lastSample: AmbientSample | undefined = undefined;

  constructor(opts: HardwareOptions = {}) {
    this.root = opts.root ?? '/';
    this.backlight = new Backlight({ root: this.root });
    this.ambient = new AmbientLight({ root: this.root });
    this.ddc = opts.ddc === false ? null : new Ddc(opts.runner ? { runner: opts.runner } : {});
    this.displayPower = new DisplayPower({
      backlight: this.backlight,
      ...(this.ddc ? { ddc: this.ddc } : {}),
      ...(opts.shellDisplay ? { shell: opts.shellDisplay } : {}),
    });
    this.rebooter = new Rebooter({
      ...(opts.rebootCommand ? { command: opts.rebootCommand } : {}),
      ...(opts.runner ? { runner: opts.runner } : {}),
    });
    const wd = opts.watchdog;
    this.watchdog = wd ? new Watchdog({ root: this.root, ...(typeof wd === 'object' ? wd : {}) }) : null;
    this.auto = new AutoBrightness(opts.autoBrightness);
    this.autoEnabled = opts.autoBrightness?.enabled ?? true;
    this.autoEveryMs = opts.autoBrightness?.everyMs ?? 5000;
    this.manualHoldMs = opts.manualHoldMs ?? 60 * 60_000;
    this.now = opts.now ?? Date.now;
    this.diskPath = opts.diskPath ?? this.root;
    this.reporter = new AmbientReporter(opts.ambientReport);
  }

  async start(): Promise<void> {
    const current = await this.backlight.read();
    if (current.ok) this.brightness = current.value.percent;
    if (this.watchdog) await this.watchdog.start();
    // The sensor is read when there is one: for automatic brightness and for onAmbient() (the theme).
    if (await this.ambient.detect()) {
      await this.autoStep();
      this.autoTimer = setInterval(() => void this.autoStep(), this.autoEveryMs);
      this.autoTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.autoTimer) clearInterval(this.autoTimer);
    this.autoTimer = null;
    if (this.watchdog) await this.watchdog.stop(true);
  }

  /**
   * Calls back with the sensor's readings (the last one at once, if any): on a real change of light,
   * as a heartbeat, and null when the sensor fails. Returns an unsubscribe.
   */
  onAmbient(listener: (s: AmbientSample) => void): () => void {
    this.ambientListeners.add(listener);
    if (this.lastSample !== undefined) listener(this.lastSample);
    return () => this.ambientListeners.delete(listener);
  }

  private emitAmbient(lux: number | null): void {
    const at = this.now();
    if (!this.reporter.offer(lux, at)) return;
    this.lastSample = lux === null ? null : { lux, at };
    for (const l of this.ambientListeners) l(this.lastSample);
  }

  /**
   * One step: read the light sensor, tell onAmbient() listeners, then apply the brightness curve
   * (when automatic brightness is on) unless a manual level holds.
   */
  async autoStep(): Promise<number | null> {
    const lux = await this.ambient.readLux();
    this.emitAmbient(lux.ok ? lux.value : null);
    if (!lux.ok) return null;
    this.lux = lux.value;
    if (!this.autoEnabled) return null;
    const target = this.auto.update(lux.value, this.now());
    if (target === null || this.now() < this.manualUntil) return null;
    return (await this.applyBrightness(target)).length > 0 ? target : null;
  }

  /** A manual brightness (the technician's command); holds for manualHoldMs, then auto resumes. */
  async setBrightness(percent: number): Promise<{ ok: boolean; via: string[] }> {
    this.manualUntil = this.now() + this.manualHoldMs;
    const via = await this.applyBrightness(percent);
    return { ok: via.length > 0, via };
  }

  async setDisplay(on: boolean): Promise<{ ok: boolean; via: string[] }> {
    return this.displayPower.set(on);
  }

  async snapshot(): Promise<HardwareSnapshot> {
    const disk = await readDisk(this.diskPath);
    return {
      temperatureC: await maxTemperature(this.root),
      disk: disk.ok ? disk.value : null,
      display: { on: this.displayPower.on, brightness: this.brightness },
      lux: this.lux,
    };
  }

  private async applyBrightness(percent: number): Promise<string[]> {
    const p = Math.round(Math.min(100, Math.max(0, percent)));
    const via: string[] = [];
    if ((await this.backlight.setPercent(p)).ok) via.push('backlight');
    else if (this.ddc && (await this.ddc.detect()) && (await this.ddc.setBrightness(p))) via.push('ddc');
    if (via.length > 0) this.brightness = p;
    return via;
  }
}
