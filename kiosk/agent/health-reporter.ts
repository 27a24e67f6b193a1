import type { Health } from '../../protocol/index.ts';
import type { HardwarePort } from './hardware-port.ts';
import { buildHealth, ClockJumpDetector, CpuSampler, type HealthInputs } from './health.ts';
import type { Logger } from './log.ts';

/** What the reporter reads from the agent at each report. */
export interface HealthSource {
  now(): number;
  hardware: HardwarePort;
  /** Where free disk is measured (the cache's file system). */
  diskPath: string;
  log: Logger;
  /** Reads display power and brightness from the hardware into the state. */
  refreshDisplay(): Promise<void>;
  /** The agent's own figures at `now`. */
  figures(
    now: number,
  ): Pick<
    HealthInputs,
    'display' | 'feeds' | 'contentVersion' | 'downloads' | 'invalidMessages' | 'cacheCorruptions'
  > & { campaigns: Health['campaigns'] };
  /** Publishes a report (QoS 0); throws when not connected. */
  publish(health: Health): Promise<void>;
  online(): boolean;
}

/** Collects and publishes health every healthIntervalS; watches the wall clock for jumps. */
export class HealthReporter {
  private readonly cpu = new CpuSampler();
  readonly clock: ClockJumpDetector;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | null = null;
  private intervalS = 0;
  renderer: Health['renderer'] = { state: 'unknown', restarts: 0 };
  /** The map tiles file's state (tiles/service.ts), when the agent serves one. */
  mapTiles: (() => Health['mapTiles']) | null = null;
  last: Health | null = null;

  constructor(private readonly src: HealthSource) {
    this.startedAt = src.now();
    this.clock = new ClockJumpDetector(2, src.now);
  }

  /** (Re)starts the periodic report; a no-op when the interval is unchanged. */
  arm(intervalS: number): void {
    if (intervalS === this.intervalS) return;
    this.intervalS = intervalS;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.report(), intervalS * 1000);
  }

  async collect(): Promise<Health> {
    await this.src.refreshDisplay().catch(() => undefined);
    const now = this.src.now();
    const hw = this.src.hardware;
    const [disk, temperatureC] = await Promise.all([
      hw.diskFree(this.src.diskPath).catch(() => null),
      hw.getTemperatureC().catch(() => null),
    ]);
    const { campaigns, ...figures } = this.src.figures(now);
    const h = buildHealth({
      at: now,
      startedAt: this.startedAt,
      cpuPercent: this.cpu.sample(),
      disk,
      temperatureC,
      renderer: this.renderer,
      clockJumpS: this.clock.take(),
      ...figures,
    });
    h.campaigns = campaigns;
    const tiles = this.mapTiles?.();
    if (tiles) h.mapTiles = tiles;
    this.last = h;
    return h;
  }

  async report(): Promise<void> {
    try {
      const h = await this.collect();
      if (!this.src.online()) return;
      await this.src.publish(h);
    } catch (e) {
      this.src.log.warn({ err: (e as Error).message }, 'health report failed');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
