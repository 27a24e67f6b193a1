import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { errorCode, type ReadResult, under } from './sysfs.ts';

/**
 * The Linux watchdog (/dev/watchdog): once opened, the hardware reboots the machine unless a byte is
 * written before its timeout. A clean stop writes the magic character 'V' before closing, which
 * disarms it (unless the kernel was built with nowayout). A crash or hang writes nothing: reboot.
 *
 * The timeout itself is the driver's (module parameter, or systemd's RuntimeWatchdogSec, which then
 * owns the device instead of us); node has no ioctl, so WDIOC_SETTIMEOUT is not used.
 */

export interface WatchdogOptions {
  root?: string;
  path?: string;
  /** Keep-alive period; must be well below the hardware timeout (often 60 s, some SoCs 15 s). */
  intervalMs?: number;
  /** Asked before every keep-alive: return false when the app is unhealthy so the watchdog fires. */
  healthy?: () => boolean;
}

export class Watchdog {
  readonly path: string;
  private readonly intervalMs: number;
  private readonly healthy: () => boolean;
  private handle: FileHandle | null = null;
  private timer: NodeJS.Timeout | null = null;
  private kicks = 0;
  private lastError: string | null = null;

  constructor(opts: WatchdogOptions = {}) {
    this.path = under(opts.root ?? '/', opts.path ?? '/dev/watchdog');
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.healthy = opts.healthy ?? (() => true);
  }

  /** Opens the device (arming it) and starts the keep-alive timer. */
  async start(): Promise<ReadResult<true>> {
    if (this.handle) return { ok: true, value: true };
    try {
      // O_WRONLY without O_CREAT: a missing device must fail, not create a plain file in /dev.
      this.handle = await open(this.path, constants.O_WRONLY);
    } catch (err) {
      this.lastError = errorCode(err);
      return { ok: false, error: this.lastError };
    }
    await this.kick();
    this.timer = setInterval(() => void this.kick(), this.intervalMs);
    this.timer.unref();
    return { ok: true, value: true };
  }

  /** One keep-alive write; skipped when the health check says the app is stuck. */
  async kick(): Promise<boolean> {
    if (!this.handle || !this.healthy()) return false;
    try {
      await this.handle.write('\0');
      this.kicks++;
      return true;
    } catch (err) {
      this.lastError = errorCode(err);
      return false;
    }
  }

  /** Stops keep-alives; with magicClose (the default for a clean exit) disarms the watchdog. */
  async stop(magicClose = true): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const h = this.handle;
    this.handle = null;
    if (!h) return;
    try {
      if (magicClose) await h.write('V');
    } finally {
      await h.close();
    }
  }

  get status(): { armed: boolean; kicks: number; lastError: string | null } {
    return { armed: this.handle !== null, kicks: this.kicks, lastError: this.lastError };
  }
}
