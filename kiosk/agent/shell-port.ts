import type { Health } from '../../protocol/index.ts';

/**
 * What the agent needs from the shell that shows its UI (Electron or Chromium). Implemented in
 * kiosk/main/; with STANDER_SHELL=none there is no shell and shell-only commands say so.
 */
export interface ShellPort {
  /** A PNG of what the screen shows right now. */
  takeScreenshot(): Promise<Buffer>;
}

/** The renderer's state as the shell reports it; lands in health.renderer. */
export interface RendererReport {
  state: Health['renderer']['state'];
  restarts: number;
  reason?: string;
}
