import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDisk } from './disk.ts';
import { makeUnreadable, putFile, tempRoot } from './test-tree.ts';
import { maxTemperature, readThermalZones } from './thermal.ts';

const TZ = 'sys/class/thermal';
let root: string;
beforeEach(async () => {
  root = await tempRoot();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('thermal zones', () => {
  it('reads every zone in natural order, in °C, and the hottest', async () => {
    await putFile(root, `${TZ}/thermal_zone10/type`, 'gpu\n');
    await putFile(root, `${TZ}/thermal_zone10/temp`, '61500\n');
    await putFile(root, `${TZ}/thermal_zone2/type`, 'cpu-thermal\n');
    await putFile(root, `${TZ}/thermal_zone2/temp`, '48312\n');
    await putFile(root, `${TZ}/cooling_device0/type`, 'fan\n');
    expect(await readThermalZones(root)).toEqual([
      { zone: 'thermal_zone2', type: 'cpu-thermal', celsius: 48.3 },
      { zone: 'thermal_zone10', type: 'gpu', celsius: 61.5 },
    ]);
    expect(await maxTemperature(root)).toBe(61.5);
  });

  it('keeps going past missing, unreadable and implausible zones', async () => {
    await putFile(root, `${TZ}/thermal_zone0/type`, 'acpitz\n');
    const code = await makeUnreadable(root, `${TZ}/thermal_zone0/temp`);
    await putFile(root, `${TZ}/thermal_zone1/temp`, '-274000\n');
    await putFile(root, `${TZ}/thermal_zone2/type`, 'x86_pkg_temp\n');
    await putFile(root, `${TZ}/thermal_zone3/temp`, '39000\n');
    const zones = await readThermalZones(root);
    expect(zones).toEqual([
      { zone: 'thermal_zone0', type: 'acpitz', celsius: null, error: code },
      { zone: 'thermal_zone1', type: null, celsius: null, error: 'ERANGE' },
      { zone: 'thermal_zone2', type: 'x86_pkg_temp', celsius: null, error: 'ENOENT' },
      { zone: 'thermal_zone3', type: null, celsius: 39 },
    ]);
    expect(await maxTemperature(root)).toBe(39);
  });

  it('returns no zones and a null maximum when /sys/class/thermal is missing', async () => {
    expect(await readThermalZones(root)).toEqual([]);
    expect(await maxTemperature(root)).toBeNull();
  });
});

describe('disk', () => {
  it('reports free and total bytes of a real filesystem', async () => {
    const r = await readDisk(root);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.totalBytes).toBeGreaterThan(0);
    expect(r.value.freeBytes).toBeGreaterThanOrEqual(0);
    expect(r.value.freeBytes).toBeLessThanOrEqual(r.value.totalBytes);
  });

  it('reports ENOENT for a missing path', async () => {
    expect(await readDisk(join(root, 'nope'))).toEqual({ ok: false, error: 'ENOENT' });
  });
});
