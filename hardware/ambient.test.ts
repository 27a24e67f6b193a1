import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmbientLight, AutoBrightness, brightnessForLux, DEFAULT_CURVE } from './ambient.ts';
import { makeUnreadable, putFile, tempRoot } from './test-tree.ts';

const IIO = 'sys/bus/iio/devices';
let root: string;
beforeEach(async () => {
  root = await tempRoot();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('AmbientLight (iio)', () => {
  it('computes lux from raw, offset and scale', async () => {
    await putFile(root, `${IIO}/iio:device0/in_illuminance_raw`, '400\n');
    await putFile(root, `${IIO}/iio:device0/in_illuminance_scale`, '0.250000\n');
    await putFile(root, `${IIO}/iio:device0/in_illuminance_offset`, '-100\n');
    expect(await new AmbientLight({ root }).readLux()).toEqual({ ok: true, value: 75 });
  });

  it('prefers the processed in_illuminance_input and picks the first device that has light', async () => {
    await putFile(root, `${IIO}/iio:device0/in_accel_x_raw`, '12\n');
    await putFile(root, `${IIO}/iio:device1/in_illuminance_input`, '812.5\n');
    await putFile(root, `${IIO}/iio:device1/in_illuminance_raw`, '1\n');
    const als = new AmbientLight({ root });
    expect(await als.detect()).toBe('iio:device1');
    expect(await als.readLux()).toEqual({ ok: true, value: 812.5 });
  });

  it('uses scale 1 when in_illuminance_scale is missing', async () => {
    await putFile(root, `${IIO}/iio:device0/in_illuminance_raw`, '33\n');
    expect(await new AmbientLight({ root }).readLux()).toEqual({ ok: true, value: 33 });
  });

  it('reports ENODEV without a sensor and the errno of an unreadable or garbage reading', async () => {
    expect(await new AmbientLight({ root }).readLux()).toEqual({ ok: false, error: 'ENODEV' });
    const als = new AmbientLight({ root, device: 'iio:device0' });
    expect(await als.readLux()).toEqual({ ok: false, error: 'ENOENT' });
    const code = await makeUnreadable(root, `${IIO}/iio:device0/in_illuminance_raw`);
    expect(await als.readLux()).toEqual({ ok: false, error: code });
    await putFile(root, `${IIO}/iio:device0/in_illuminance_raw`, 'xyz\n');
    expect(await als.readLux()).toEqual({ ok: false, error: 'EINVAL' });
  });
});

describe('brightnessForLux', () => {
  it('hits the curve points, clamps at both ends and rises monotonically', () => {
    for (const [lux, pct] of DEFAULT_CURVE) expect(brightnessForLux(lux)).toBe(pct);
    expect(brightnessForLux(-5)).toBe(DEFAULT_CURVE[0]![1]);
    expect(brightnessForLux(1e6)).toBe(100);
    expect(brightnessForLux(Number.NaN)).toBe(DEFAULT_CURVE[0]![1]);
    let prev = 0;
    for (let lux = 0; lux < 20_000; lux = lux * 1.5 + 1) {
      const p = brightnessForLux(lux);
      expect(p).toBeGreaterThanOrEqual(prev);
      prev = p;
    }
    // log interpolation: ~31.6 lux is halfway between 10 and 100 lux on the log axis
    expect(brightnessForLux(31)).toBeGreaterThan(27);
    expect(brightnessForLux(31)).toBeLessThan(33);
  });
});

describe('AutoBrightness', () => {
  it('smooths a sudden change instead of jumping, then settles on the curve', () => {
    const ab = new AutoBrightness({ timeConstantMs: 10_000, hysteresis: 3 });
    expect(ab.update(10, 0)).toBe(20);
    const afterOneSecond = ab.update(10_000, 1000);
    expect(afterOneSecond).not.toBeNull();
    expect(afterOneSecond!).toBeLessThan(40);
    let last = afterOneSecond!;
    for (let t = 2000; t <= 120_000; t += 1000) last = ab.update(10_000, t) ?? last;
    expect(last).toBeGreaterThanOrEqual(97);
  });

  it('ignores changes smaller than the hysteresis', () => {
    const ab = new AutoBrightness({ timeConstantMs: 0, hysteresis: 5 });
    expect(ab.update(100, 0)).toBe(40);
    expect(ab.update(120, 1000)).toBeNull();
    expect(ab.current).toBe(40);
    expect(ab.update(1000, 2000)).toBe(70);
  });
});
