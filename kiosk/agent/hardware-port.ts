import { statfs } from 'node:fs/promises';
import type { AmbientReading } from '../bridge/types.ts';

/**
 * What the agent needs from the device. hardware/ provides the Linux drivers and a simulator;
 * the agent only ever talks to this interface, so it runs the same on a desk and on a kiosk.
 */
export interface HardwarePort {
  /** 0..100, or null when the panel's brightness cannot be read. */
  getBrightness(): Promise<number | null>;
  setBrightness(level: number): Promise<void>;
  getDisplayPower(): Promise<boolean>;
  setDisplayPower(on: boolean): Promise<void>;
  /** Highest known board temperature, or null without a sensor. */
  getTemperatureC(): Promise<number | null>;
  /** Reboots the device; resolves if the reboot was started. */
  reboot(): Promise<void>;
  /** Free and total bytes of the file system holding `path`, or null when unknown. */
  diskFree(path: string): Promise<{ freeBytes: number; totalBytes: number } | null>;
  /**
   * Optional: the ambient light sensor's readings for the UI's day/night theme, the last one at once;
   * null when the sensor fails. Devices without a sensor leave it out. Returns an unsubscribe.
   */
  watchAmbient?(listener: (reading: AmbientReading | null) => void): () => void;
}

export async function statfsDiskFree(
  path: string,
): Promise<{ freeBytes: number; totalBytes: number } | null> {
  try {
    const s = await statfs(path);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null;
  }
}

/**
 * An in-memory device: brightness and display power are remembered, reboot is recorded (never
 * performed), free disk is read from the real file system. Used on developer machines and in tests.
 */
export class SimulatedHardware implements HardwarePort {
  brightness: number | null = 80;
  displayOn = true;
  temperatureC: number | null = 42;
  reboots = 0;

  async getBrightness(): Promise<number | null> {
    return this.brightness;
  }
  async setBrightness(level: number): Promise<void> {
    if (!Number.isFinite(level) || level < 0 || level > 100)
      throw new Error(`brightness out of range: ${level}`);
    this.brightness = Math.round(level);
  }
  async getDisplayPower(): Promise<boolean> {
    return this.displayOn;
  }
  async setDisplayPower(on: boolean): Promise<void> {
    this.displayOn = on;
  }
  async getTemperatureC(): Promise<number | null> {
    return this.temperatureC;
  }
  async reboot(): Promise<void> {
    this.reboots++;
  }
  diskFree(path: string): Promise<{ freeBytes: number; totalBytes: number } | null> {
    return statfsDiskFree(path);
  }
}
