import type { Backlight } from './backlight.ts';
import type { Ddc } from './ddc.ts';
import { type CommandRunner, execRunner } from './runner.ts';

/** Turns the display on/off through the shell (DPMS/blackout); true when it worked. */
export type ShellDisplayCallback = (on: boolean) => Promise<boolean> | boolean;

export interface DisplayPowerResult {
  ok: boolean;
  /** The mechanisms that succeeded, in order: 'shell', 'backlight', 'ddc'. */
  via: string[];
}

/**
 * Display power through every mechanism the machine has: the shell's DPMS callback (X11 DPMS, or the
 * Electron/browser window going black), the panel backlight's bl_power, and DDC/CI for a monitor.
 */
export class DisplayPower {
  private shell: ShellDisplayCallback | null;
  private readonly backlight: Backlight | null;
  private readonly ddc: Ddc | null;
  private state = true;

  constructor(opts: { shell?: ShellDisplayCallback; backlight?: Backlight; ddc?: Ddc } = {}) {
    this.shell = opts.shell ?? null;
    this.backlight = opts.backlight ?? null;
    this.ddc = opts.ddc ?? null;
  }

  /** The shell registers its callback once its window exists. */
  setShell(cb: ShellDisplayCallback | null): void {
    this.shell = cb;
  }

  get on(): boolean {
    return this.state;
  }

  async set(on: boolean): Promise<DisplayPowerResult> {
    const via: string[] = [];
    if (this.shell) {
      try {
        if (await this.shell(on)) via.push('shell');
      } catch {
        // a failing shell callback must not keep the other mechanisms from trying
      }
    }
    if (this.backlight && (await this.backlight.setPower(on)).ok) via.push('backlight');
    if (this.ddc && (await this.ddc.detect()) && (await this.ddc.setPower(on))) via.push('ddc');
    if (via.length > 0) this.state = on;
    return { ok: via.length > 0, via };
  }
}

/** DPMS on X11 through `xset` (Debian package x11-xserver-utils); false where there is no X display. */
export function xsetDpms(
  runner: CommandRunner = execRunner,
  env: NodeJS.ProcessEnv = process.env,
): ShellDisplayCallback {
  return async (on) => {
    if (!env.DISPLAY) return false;
    const r = await runner('xset', ['dpms', 'force', on ? 'on' : 'off'], { timeoutMs: 5000 });
    return r.code === 0;
  };
}
