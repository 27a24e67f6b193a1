import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backlight } from './backlight.ts';
import { makeUnreadable, putFile, tempRoot } from './test-tree.ts';

const BL = 'sys/class/backlight';
let root: string;

beforeEach(async () => {
  root = await tempRoot();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function panel(name: string, max: number, brightness: number, type?: string): Promise<void> {
  await putFile(root, `${BL}/${name}/max_brightness`, `${max}\n`);
  await putFile(root, `${BL}/${name}/brightness`, `${brightness}\n`);
  await putFile(root, `${BL}/${name}/bl_power`, '0\n');
  if (type) await putFile(root, `${BL}/${name}/type`, `${type}\n`);
}

describe('Backlight', () => {
  it('reads brightness as percent of max_brightness and power from bl_power', async () => {
    await panel('intel_backlight', 1000, 250);
    const r = await new Backlight({ root }).read();
    expect(r).toEqual({
      ok: true,
      value: { device: 'intel_backlight', raw: 250, max: 1000, percent: 25, powered: true },
    });
  });

  it('prefers a firmware interface over a raw one, like the kernel docs advise', async () => {
    await panel('amdgpu_bl0', 255, 100, 'raw');
    await panel('acpi_video0', 15, 7, 'firmware');
    expect(await new Backlight({ root }).detect()).toBe('acpi_video0');
  });

  it('writes brightness scaled to max, keeping a non-zero level lit and clamping', async () => {
    await panel('pwm', 7, 7);
    const b = new Backlight({ root });
    expect(await b.setPercent(1)).toEqual({ ok: true, value: 1 });
    expect((await readFile(join(root, BL, 'pwm/brightness'), 'utf8')).trim()).toBe('1');
    expect(await b.setPercent(150)).toEqual({ ok: true, value: 7 });
    expect(await b.setPercent(0)).toEqual({ ok: true, value: 0 });
    expect(await b.setPercent(Number.NaN)).toEqual({ ok: false, error: 'EINVAL' });
  });

  it('powers off and on through bl_power (4 = powerdown, 0 = unblank)', async () => {
    await panel('pwm', 100, 50);
    const b = new Backlight({ root });
    await b.setPower(false);
    expect((await readFile(join(root, BL, 'pwm/bl_power'), 'utf8')).trim()).toBe('4');
    expect((await b.read()).ok && (await b.read())).toMatchObject({ value: { powered: false } });
    await b.setPower(true);
    expect((await readFile(join(root, BL, 'pwm/bl_power'), 'utf8')).trim()).toBe('0');
  });

  it('reports ENODEV when the machine has no backlight at all', async () => {
    const b = new Backlight({ root });
    expect(await b.detect()).toBeNull();
    expect(await b.read()).toEqual({ ok: false, error: 'ENODEV' });
    expect(await b.setPercent(50)).toEqual({ ok: false, error: 'ENODEV' });
    expect(await b.setPower(false)).toEqual({ ok: false, error: 'ENODEV' });
  });

  it('reports a missing brightness file as ENOENT and keeps bl_power optional', async () => {
    await panel('pwm', 100, 50);
    await rm(join(root, BL, 'pwm/bl_power'));
    expect(await new Backlight({ root }).read()).toMatchObject({ ok: true, value: { powered: null } });
    await rm(join(root, BL, 'pwm/brightness'));
    expect(await new Backlight({ root }).read()).toEqual({ ok: false, error: 'ENOENT' });
  });

  it('reports an unreadable brightness file with its errno', async () => {
    await panel('pwm', 100, 50);
    const code = await makeUnreadable(root, `${BL}/pwm/brightness`);
    expect(await new Backlight({ root }).read()).toEqual({ ok: false, error: code });
  });

  it('skips a device whose max_brightness is unreadable or garbage', async () => {
    await panel('broken', 100, 50);
    await makeUnreadable(root, `${BL}/broken/max_brightness`);
    await panel('garbage', 100, 50);
    await putFile(root, `${BL}/garbage/max_brightness`, 'n/a\n');
    expect(await new Backlight({ root }).detect()).toBeNull();
    await panel('good', 10, 5);
    expect(await new Backlight({ root }).detect()).toBe('good');
  });
});
