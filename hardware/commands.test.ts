import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backlight } from './backlight.ts';
import { Ddc } from './ddc.ts';
import { DisplayPower, xsetDpms } from './display-power.ts';
import { parseCommand, Rebooter } from './reboot.ts';
import { type CommandOutcome, type CommandRunner, execRunner } from './runner.ts';
import { SystemdNotifier } from './sd-notify.ts';
import { putFile, tempRoot } from './test-tree.ts';

/** A recording runner: answers from a table, never runs anything. */
function recorder(answer: (file: string, args: readonly string[]) => CommandOutcome) {
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    return answer(file, args);
  };
  return { run, calls };
}
const ok = (stdout = ''): CommandOutcome => ({ code: 0, stdout, stderr: '' });
const notInstalled: CommandOutcome = { code: null, stdout: '', stderr: '', error: 'ENOENT' };

let root: string;
beforeEach(async () => {
  root = await tempRoot();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('execRunner', () => {
  it('runs a real program, reports exit codes and a missing binary', async () => {
    expect(await execRunner('sh', ['-c', 'echo hi; exit 3'])).toMatchObject({ code: 3, stdout: 'hi\n' });
    expect(await execRunner('/nonexistent/binary', [])).toMatchObject({ code: null, error: 'ENOENT' });
  });
});

describe('Rebooter', () => {
  it('runs the configured command through the runner (a real harmless command here)', async () => {
    const marker = join(root, 'rebooted');
    const r = await new Rebooter({ command: ['sh', '-c', `echo yes > ${marker}`] }).reboot();
    expect(r.ok).toBe(true);
    expect((await readFile(marker, 'utf8')).trim()).toBe('yes');
  });

  it('defaults to systemctl reboot and reports a failing command', async () => {
    const rec = recorder(() => ({ code: 1, stdout: '', stderr: 'Access denied' }));
    const r = await new Rebooter({ runner: rec.run }).reboot();
    expect(rec.calls).toEqual(['systemctl reboot']);
    expect(r.ok).toBe(false);
    expect(r.message).toContain('Access denied');
  });

  it('parses a command line and rejects an empty one', () => {
    expect(parseCommand('  sudo  /sbin/reboot ')).toEqual(['sudo', '/sbin/reboot']);
    expect(() => parseCommand('  ')).toThrow(/empty/);
    expect(() => new Rebooter({ command: [] })).toThrow(/empty/);
  });
});

describe('Ddc', () => {
  it('is unavailable when ddcutil is not installed, and never calls setvcp then', async () => {
    const rec = recorder(() => notInstalled);
    const ddc = new Ddc({ runner: rec.run });
    expect(await ddc.detect()).toBe(false);
    expect(await ddc.setPower(false)).toBe(false);
    expect(rec.calls).toEqual(['ddcutil detect --brief']);
  });

  it('sets power (VCP D6) and brightness (VCP 10) on a detected monitor', async () => {
    const rec = recorder((_f, args) =>
      args[0] === 'detect' ? ok('Display 1\n   I2C bus: /dev/i2c-4\n') : ok(),
    );
    const ddc = new Ddc({ runner: rec.run });
    expect(await ddc.setPower(false)).toBe(true);
    expect(await ddc.setBrightness(120)).toBe(true);
    expect(ddc.available).toBe(true);
    expect(rec.calls).toEqual([
      'ddcutil detect --brief',
      'ddcutil --display 1 setvcp D6 04',
      'ddcutil --display 1 setvcp 10 100',
    ]);
  });

  it('treats "No displays found" as unavailable', async () => {
    const rec = recorder(() => ok('No displays found.\n'));
    expect(await new Ddc({ runner: rec.run }).detect()).toBe(false);
  });
});

describe('DisplayPower', () => {
  it('uses every mechanism that works and remembers the state', async () => {
    await putFile(root, 'sys/class/backlight/bl/max_brightness', '10\n');
    await putFile(root, 'sys/class/backlight/bl/brightness', '5\n');
    await putFile(root, 'sys/class/backlight/bl/bl_power', '0\n');
    const shellCalls: boolean[] = [];
    const dp = new DisplayPower({
      backlight: new Backlight({ root }),
      ddc: new Ddc({ runner: recorder(() => notInstalled).run }),
      shell: (on) => {
        shellCalls.push(on);
        return true;
      },
    });
    expect(await dp.set(false)).toEqual({ ok: true, via: ['shell', 'backlight'] });
    expect(dp.on).toBe(false);
    expect(shellCalls).toEqual([false]);
    expect((await readFile(join(root, 'sys/class/backlight/bl/bl_power'), 'utf8')).trim()).toBe('4');
  });

  it('reports failure and keeps the state when nothing can switch the display', async () => {
    const dp = new DisplayPower({
      backlight: new Backlight({ root }),
      shell: () => {
        throw new Error('window gone');
      },
    });
    expect(await dp.set(false)).toEqual({ ok: false, via: [] });
    expect(dp.on).toBe(true);
  });

  it('xsetDpms runs xset only where there is an X display', async () => {
    const rec = recorder(() => ok());
    expect(await xsetDpms(rec.run, {})(false)).toBe(false);
    expect(await xsetDpms(rec.run, { DISPLAY: ':0' })(false)).toBe(true);
    expect(rec.calls).toEqual(['xset dpms force off']);
  });
});

describe('SystemdNotifier', () => {
  it('does nothing outside systemd', async () => {
    const rec = recorder(() => ok());
    const n = new SystemdNotifier({ runner: rec.run, env: {} });
    expect(n.enabled).toBe(false);
    expect(await n.notify('READY=1')).toBe(false);
    n.start();
    n.stop();
    expect(rec.calls).toEqual([]);
  });

  it('notifies READY and pings WATCHDOG at half of WATCHDOG_USEC', async () => {
    const rec = recorder(() => ok());
    const n = new SystemdNotifier({
      runner: rec.run,
      env: { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '2000000' },
    });
    expect(n.intervalMs).toBe(1000);
    expect(await n.notify('STATUS=x')).toBe(true);
    expect(rec.calls).toEqual([`systemd-notify --pid=${process.pid} STATUS=x`]);
  });
});
