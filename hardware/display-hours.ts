import { DateTime } from 'luxon';
import { isDisplayOnAt, SCREEN_TIME_ZONE } from '../protocol/schedule.ts';

/**
 * Display hours: the screen is dark outside its configured on/off times (Europe/Copenhagen local
 * time) to save energy at night. on == off means always on; on > off spans midnight (e.g. 22:00 -> 06:00
 * would be "on at night"). A technician's display command overrides the schedule until its next change.
 */

export interface DisplayHoursSpec {
  on: string;
  off: string;
}

export const DEFAULT_ZONE = SCREEN_TIME_ZONE;

function minutesOf(clock: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(clock);
  if (!m) throw new Error(`invalid clock time: ${clock}`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) throw new Error(`invalid clock time: ${clock}`);
  return h * 60 + min;
}

/**
 * Whether the display should be on at `at`; null hours means always on. Validates the clock times, then
 * asks protocol/schedule.ts, the same function the dashboard uses, so both always agree.
 */
export function displayOnAt(hours: DisplayHoursSpec | null, at: Date): boolean {
  if (!hours) return true;
  minutesOf(hours.on);
  minutesOf(hours.off);
  return isDisplayOnAt(hours, at);
}

/** The next instant after `at` when displayOnAt changes, or null when it never does. */
export function nextDisplayChange(hours: DisplayHoursSpec | null, at: Date): Date | null {
  if (!hours || minutesOf(hours.on) % 1440 === minutesOf(hours.off) % 1440) return null;
  const current = displayOnAt(hours, at);
  const local = DateTime.fromJSDate(at, { zone: DEFAULT_ZONE });
  // Try both boundaries today, tomorrow and the day after (covers DST gaps), earliest first.
  const candidates: DateTime[] = [];
  for (let day = 0; day <= 2; day++) {
    for (const clock of [hours.on, hours.off]) {
      const mins = minutesOf(clock);
      const t = local
        .startOf('day')
        .plus({ days: day + Math.floor(mins / 1440) })
        .set({ hour: Math.floor((mins % 1440) / 60), minute: mins % 60 });
      if (t > local) candidates.push(t);
    }
  }
  candidates.sort((a, b) => a.toMillis() - b.toMillis());
  for (const t of candidates) {
    const d = t.toJSDate();
    if (displayOnAt(hours, d) !== current) return d;
  }
  return null;
}

export interface DisplayHoursSchedulerOptions {
  apply: (on: boolean, reason: 'schedule' | 'override-ended') => void | Promise<void>;
  now?: () => Date;
  /** Re-check period; the scheduler re-evaluates rather than sleeping until the change, so clock jumps and DST are safe. */
  checkEveryMs?: number;
}

export class DisplayHoursScheduler {
  private hours: DisplayHoursSpec | null = null;
  private readonly opts: Required<Omit<DisplayHoursSchedulerOptions, 'apply'>> & {
    apply: DisplayHoursSchedulerOptions['apply'];
  };
  private timer: NodeJS.Timeout | null = null;
  private lastScheduled: boolean | null = null;
  private override: { on: boolean; until: Date | null } | null = null;

  constructor(opts: DisplayHoursSchedulerOptions) {
    this.opts = {
      apply: opts.apply,
      now: opts.now ?? (() => new Date()),
      checkEveryMs: opts.checkEveryMs ?? 30_000,
    };
  }

  /** Sets (or clears) the hours from the screen's config and applies them at once. */
  setHours(hours: DisplayHoursSpec | null): void {
    this.hours = hours;
    this.lastScheduled = null;
    this.check();
  }

  /** A manual on/off (the display command) that holds until the schedule next changes by itself. */
  overrideUntilNextChange(on: boolean): void {
    this.override = { on, until: nextDisplayChange(this.hours, this.opts.now()) };
  }

  /** What the display should be now, honouring an active override. */
  desired(): boolean {
    const now = this.opts.now();
    if (this.override && (this.override.until === null || now < this.override.until)) return this.override.on;
    return displayOnAt(this.hours, now);
  }

  start(): void {
    if (this.timer) return;
    this.check();
    this.timer = setInterval(() => this.check(), this.opts.checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Evaluates the schedule once; calls apply only on a change. Public for tests and the agent's tick. */
  check(): void {
    const now = this.opts.now();
    let reason: 'schedule' | 'override-ended' = 'schedule';
    if (this.override) {
      if (this.override.until !== null && now >= this.override.until) {
        this.override = null;
        reason = 'override-ended';
        this.lastScheduled = null;
      } else {
        return;
      }
    }
    const on = displayOnAt(this.hours, now);
    if (on === this.lastScheduled) return;
    this.lastScheduled = on;
    void this.opts.apply(on, reason);
  }
}
