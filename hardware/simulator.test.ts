import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brightnessForLux, Hardware } from './index.ts';
import { createSimulatedTree, HardwareSimulator, SIM_BACKLIGHT, simulatedLux } from './simulator.ts';
import { tempRoot } from './test-tree.ts';

let root: string;
beforeEach(async () => {
  root = await tempRoot();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('simulator', () => {
  it('follows daylight in Copenhagen', () => {
    expect(simulatedLux(new Date('2026-06-01T01:00:00Z'))).toBeLessThan(1);
    expect(simulatedLux(new Date('2026-06-01T11:00:00Z'))).toBeGreaterThan(15_000);
  });

  it('drives the real drivers: noon light raises brightness, the SoC warms with the backlight', async () => {
    let clock = Date.parse('2026-06-01T00:30:00Z');
    const sim = new HardwareSimulator(root);
    await createSimulatedTree(root);
    await sim.tick(new Date(clock));
    const hw = new Hardware({
      root,
      ddc: false,
      now: () => clock,
      autoBrightness: { timeConstantMs: 0, hysteresis: 1 },
    });
    await hw.start();
    const night = await hw.snapshot();
    expect(night.lux).toBeLessThan(1);
    expect(night.display.brightness).toBe(brightnessForLux(night.lux!));
    expect(night.display.brightness!).toBeLessThan(15);
    expect(night.temperatureC).not.toBeNull();

    clock = Date.parse('2026-06-01T11:00:00Z');
    await sim.tick(new Date(clock));
    expect(await hw.autoStep()).toBe(100);
    await sim.tick(new Date(clock));
    const noon = await hw.snapshot();
    expect(noon.display.brightness).toBe(100);
    expect(noon.temperatureC!).toBeGreaterThan(night.temperatureC!);
    const bl = join(root, 'sys/class/backlight', SIM_BACKLIGHT);
    expect((await readFile(join(bl, 'brightness'), 'utf8')).trim()).toBe('255');
    expect((await readFile(join(bl, 'actual_brightness'), 'utf8')).trim()).toBe('255');

    // a manual level holds against the automatic curve
    expect(await hw.setBrightness(30)).toEqual({ ok: true, via: ['backlight'] });
    expect(await hw.autoStep()).toBeNull();
    expect((await hw.snapshot()).display.brightness).toBe(30);

    expect(await hw.setDisplay(false)).toEqual({ ok: true, via: ['backlight'] });
    await sim.tick(new Date(clock));
    expect((await readFile(join(bl, 'actual_brightness'), 'utf8')).trim()).toBe('0');
    expect((await hw.snapshot()).display.on).toBe(false);
    await hw.stop();
  });

  it('arms the simulated watchdog and disarms it on stop', async () => {
    const sim = new HardwareSimulator(root);
    await sim.start(60_000);
    const hw = new Hardware({ root, ddc: false, watchdog: { intervalMs: 60_000 } });
    await hw.start();
    expect(hw.watchdog?.status.armed).toBe(true);
    await hw.stop();
    sim.stop();
    expect(await readFile(join(root, 'dev/watchdog'), 'latin1')).toBe('\0V');
  });

  it('degrades every reading to null on a machine without any of the hardware', async () => {
    const hw = new Hardware({ root: join(root, 'empty'), ddc: false, diskPath: join(root, 'missing') });
    await hw.start();
    expect(await hw.snapshot()).toEqual({
      temperatureC: null,
      disk: null,
      display: { on: true, brightness: null },
      lux: null,
    });
    expect(await hw.setBrightness(50)).toEqual({ ok: false, via: [] });
    await hw.stop();
  });
});
