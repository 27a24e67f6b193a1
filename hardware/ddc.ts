import { type CommandRunner, execRunner } from './runner.ts';

/**
 * DDC/CI monitor control through `ddcutil` (external monitors on HDMI/DP). Detected, never required:
 * when ddcutil is not installed or finds no display, `available` stays false.
 * VCP 0x10 = brightness (0..100), VCP 0xD6 = power mode (0x01 on, 0x04 off).
 */
export class Ddc {
  private readonly runner: CommandRunner;
  private readonly binary: string;
  private detected: boolean | null = null;
  private readonly display: number;

  constructor(opts: { runner?: CommandRunner; binary?: string; display?: number } = {}) {
    this.runner = opts.runner ?? execRunner;
    this.binary = opts.binary ?? 'ddcutil';
    this.display = opts.display ?? 1;
  }

  /** True when ddcutil exists and sees at least one DDC-capable display. Cached after the first call. */
  async detect(): Promise<boolean> {
    if (this.detected !== null) return this.detected;
    const r = await this.runner(this.binary, ['detect', '--brief'], { timeoutMs: 15_000 });
    this.detected = r.code === 0 && /^Display \d+/m.test(r.stdout);
    return this.detected;
  }

  get available(): boolean {
    return this.detected === true;
  }

  async setBrightness(percent: number): Promise<boolean> {
    const p = Math.round(Math.min(100, Math.max(0, percent)));
    return this.setVcp('10', String(p));
  }

  async setPower(on: boolean): Promise<boolean> {
    return this.setVcp('D6', on ? '01' : '04');
  }

  private async setVcp(code: string, value: string): Promise<boolean> {
    if (!(await this.detect())) return false;
    const r = await this.runner(this.binary, ['--display', String(this.display), 'setvcp', code, value], {
      timeoutMs: 15_000,
    });
    return r.code === 0;
  }
}
