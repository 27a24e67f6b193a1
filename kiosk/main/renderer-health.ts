import type { Health } from '../../protocol/index.ts';
import type { RendererReport } from '../agent/shell-port.ts';

export type { RendererReport };
/** What a shell tells the agent about its renderer; lands in the health report's `renderer`. */
export type RendererState = Health['renderer']['state'];

export type RendererReporter = (report: RendererReport) => void;

/** Keeps the renderer's state and restart count, and reports every change exactly once. */
export class RendererHealth {
  private stateNow: RendererState = 'unknown';
  private restartCount = 0;

  constructor(private readonly report: RendererReporter = () => undefined) {}

  get state(): RendererState {
    return this.stateNow;
  }

  get restarts(): number {
    return this.restartCount;
  }

  set(state: RendererState, reason?: string): void {
    if (state === this.stateNow) return;
    this.stateNow = state;
    this.emit(reason);
  }

  /** Counts one recovery (reload or restart) and reports it. */
  restarted(reason: string): void {
    this.restartCount++;
    this.emit(reason);
  }

  private emit(reason?: string): void {
    // restarts counts recoveries: reloads after a crash, hang or blank screen, and browser restarts
    this.report({ state: this.stateNow, restarts: this.restartCount, ...(reason ? { reason } : {}) });
  }
}

/** Same-origin test used by both shells' navigation locks. */
export function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}
