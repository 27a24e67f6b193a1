import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hardware } from '../../hardware/index.ts';
import { putFile, tempRoot } from '../../hardware/test-tree.ts';
import {
  hasBacklight,
  LinuxHardwarePort,
  startDeviceHardware,
  startHardwareFromEnv,
} from './hardware-adapter.ts';

let dir: string;
beforeEach(async () => {
  dir = await tempRoot();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LinuxHardwarePort', () => {
  it('drives the simulated sysfs tree through the agent interface', async () => {
    const marker = join(dir, 'rebooted');
    const { port, stop } = await startDeviceHardware({
      mode: 'sim',
      simDir: join(dir, 'sim'),
      rebootCommand: ['sh', '-c', `touch ${marker}`],
      autoBrightness: { enabled: false },
    });
    await port.setBrightness(40);
    expect(await port.getBrightness()).toBe(40);
    const raw = await readFile(join(dir, 'sim/sys/class/backlight/sim_backlight/brightness'), 'utf8');
    expect(raw.trim()).toBe(String(Math.round(0.4 * 255)));
    await port.setDisplayPower(false);
    expect(await port.getDisplayPower()).toBe(false);
    expect(await port.getTemperatureC()).toBeGreaterThan(0);
    expect((await port.diskFree(dir))?.totalBytes).toBeGreaterThan(0);
    await port.reboot();
    await expect(readFile(marker)).resolves.toBeDefined();
    await expect(port.setBrightness(101)).rejects.toThrow(/out of range/);
    await stop();
  });

  it('fails loudly where the machine has no such hardware', async () => {
    const port = new LinuxHardwarePort(
      new Hardware({ root: join(dir, 'none'), ddc: false, rebootCommand: ['false'] }),
    );
    await expect(port.setBrightness(50)).rejects.toThrow(/no backlight/);
    await expect(port.setDisplayPower(false)).rejects.toThrow(/could not be switched off/);
    await expect(port.reboot()).rejects.toThrow(/reboot command failed/);
    expect(await port.getBrightness()).toBeNull();
    expect(await port.getTemperatureC()).toBeNull();
    expect(await port.diskFree(join(dir, 'missing'))).toBeNull();
  });
});

describe('startHardwareFromEnv', () => {
  it('auto picks the real drivers where a backlight exists, else the simulator', async () => {
    const root = join(dir, 'machine');
    const cacheDir = join(dir, 'cache');
    const sim = await startHardwareFromEnv({ STANDER_HARDWARE_ROOT: root }, { cacheDir });
    expect(sim.hardware.root).not.toBe(root);
    expect(sim.hardware.root.startsWith(cacheDir)).toBe(false); // never inside the wipeable cache
    expect(await sim.port.getBrightness()).not.toBeNull();
    await sim.stop();
    await expect(
      readFile(join(sim.hardware.root, 'sys/class/backlight/sim_backlight/brightness')),
    ).rejects.toThrow(/ENOENT/);
    await putFile(root, 'sys/class/backlight/panel/max_brightness', '100\n');
    await putFile(root, 'sys/class/backlight/panel/brightness', '30\n');
    expect(hasBacklight(root)).toBe(true);
    const real = await startHardwareFromEnv(
      { STANDER_HARDWARE_ROOT: root, STANDER_REBOOT_COMMAND: 'sudo /sbin/reboot' },
      { cacheDir },
    );
    expect(real.hardware.root).toBe(root);
    expect(real.hardware.rebooter.command).toEqual(['sudo', '/sbin/reboot']);
    expect(await real.port.getBrightness()).toBe(30);
    await real.stop();
    await expect(startHardwareFromEnv({ STANDER_HARDWARE: 'mars' }, { cacheDir })).rejects.toThrow(/invalid/);
  });
});
