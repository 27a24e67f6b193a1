import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmbientLight, AmbientReporter, AutoBrightness, brightnessForLux, DEFAULT_CURVE } from './ambient.ts';
import { type AmbientSample, Hardware } from './index.ts';
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

describe('AmbientReporter', () => {
  it('passes on real changes of light and a heartbeat, not every poll', () => {
    const r = new AmbientReporter({ minLogChange: 0.1, minIntervalMs: 10_000, heartbeatMs: 60_000 });
    expect(r.offer(100, 0)).toBe(true); // first reading
    expect(r.offer(5, 5000)).toBe(false); // too soon after the last report
    expect(r.offer(110, 15_000)).toBe(false); // ~4 % more light: noise
    expect(r.offer(150, 20_000)).toBe(true); // ~0.18 in log10: a change
    expect(r.offer(150, 79_999)).toBe(false);
    expect(r.offer(150, 80_000)).toBe(true); // heartbeat
    expect(r.offer(null, 80_001)).toBe(true); // the sensor failed: at once
    expect(r.offer(null, 100_000)).toBe(false);
    expect(r.offer(150, 100_001)).toBe(true); // and it is back: at once
  });
});

describe('Hardware.onAmbient on a simulated iio tree', () => {
  it('reports readings with their time, a failing sensor as null, and replays the last one', async () => {
    await putFile(root, `${IIO}/iio:device0/in_illuminance_raw`, '10\n');
    await putFile(root, `${IIO}/iio:device0/in_illuminance_scale`, '0.5\n');
    let now = 1_000_000;
    const hw = new Hardware({
      root,
      ddc: false,
      autoBrightness: { enabled: false },
      ambientReport: { minIntervalMs: 0 },
      now: () => now,
    });
    const seen: AmbientSample[] = [];
    const off = hw.onAmbient((s) => seen.push(s));
    // Automatic brightness off: the sensor is still read, and nothing is written to a backlight.
    expect(await hw.autoStep()).toBeNull();
    now += 5000;
    await putFile(root, `${IIO}/iio:device0/in_illuminance_raw`, '4000\n');
    await hw.autoStep();
    now += 5000;
    await hw.autoStep(); // same light: not reported again
    now += 5000;
    await makeUnreadable(root, `${IIO}/iio:device0/in_illuminance_raw`);
    await hw.autoStep();
    expect(seen).toEqual([{ lux: 5, at: 1_000_000 }, { lux: 2000, at: 1_005_000 }, null]);
    off();
    const late: AmbientSample[] = [];
    hw.onAmbient((s) => late.push(s));
    expect(late).toEqual([null]);
  });

  it('has no readings to give on a machine without a sensor', async () => {
    const hw = new Hardware({ root, ddc: false });
    await hw.start();
    const seen: AmbientSample[] = [];
    hw.onAmbient((s) => seen.push(s));
    await hw.stop();
    expect(seen).toEqual([]);
  });
});
