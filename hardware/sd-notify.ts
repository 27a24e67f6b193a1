import { type CommandRunner, execRunner } from './runner.ts';

/**
 * systemd's software watchdog (WatchdogSec= in packaging/stander-kiosk.service): the service must
 * send WATCHDOG=1 more often than that. Node cannot write to a unix datagram socket itself, so it
 * asks `systemd-notify` (NotifyAccess=all in the unit). Does nothing outside systemd (no NOTIFY_SOCKET).
 */
export class SystemdNotifier {
  private readonly runner: CommandRunner;
  private readonly env: NodeJS.ProcessEnv;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: { runner?: CommandRunner; env?: NodeJS.ProcessEnv } = {}) {
    this.runner = opts.runner ?? execRunner;
    this.env = opts.env ?? process.env;
  }

  get enabled(): boolean {
    return Boolean(this.env.NOTIFY_SOCKET);
  }

  /** Half of WATCHDOG_USEC as systemd recommends, or null when no watchdog is configured. */
  get intervalMs(): number | null {
    const usec = Number(this.env.WATCHDOG_USEC);
    return Number.isFinite(usec) && usec > 0 ? Math.max(1000, Math.floor(usec / 2000)) : null;
  }

  async notify(...states: string[]): Promise<boolean> {
    if (!this.enabled) return false;
    const r = await this.runner('systemd-notify', [`--pid=${process.pid}`, ...states], { timeoutMs: 5000 });
    return r.code === 0;
  }

  /** Sends READY=1, then WATCHDOG=1 periodically while `healthy()` holds. */
  start(healthy: () => boolean = () => true): void {
    if (!this.enabled) return;
    void this.notify('READY=1');
    const every = this.intervalMs;
    if (every === null || this.timer) return;
    this.timer = setInterval(() => {
      if (healthy()) void this.notify('WATCHDOG=1');
    }, every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void this.notify('STOPPING=1');
  }
}
