import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../protocol/index.ts';
import { CommandExecutor, type CommandHandlers } from './commands.ts';
import { silentLogger } from './log.ts';

const NOW = Date.parse('2026-06-15T10:00:00Z');
const cmd = (id: string, type: string, extra: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ id, type, issuedAt: new Date(NOW - 1000).toISOString(), ...extra }));

describe('CommandExecutor', () => {
  let dir: string;
  let results: CommandResult[];
  let ran: string[];
  let online: boolean;
  const handlers = (): CommandHandlers => ({
    reload: async () => {
      ran.push('reload');
      return { message: 'ok' };
    },
    screenshot: async () => {
      throw new Error('no shell attached');
    },
    reboot: async () => ({ message: 'rebooting', after: async () => void ran.push('reboot!') }),
    brightness: async (c) => {
      ran.push(`brightness ${c.level}`);
      return {};
    },
    display: async () => ({}),
    'clear-cache': async () => ({}),
    identify: async (c) => {
      ran.push(`identify ${c.durationS}`);
      return {};
    },
  });
  const make = async (invalid: string[] = []) => {
    const e = new CommandExecutor({
      file: join(dir, 'commands.json'),
      handlers: handlers(),
      publishResult: async (r) => {
        if (!online) throw new Error('not connected');
        results.push(r);
      },
      log: silentLogger,
      maxIds: 3,
      now: () => NOW,
      onInvalid: (e) => invalid.push(e),
    });
    await e.init();
    return e;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-cmd-'));
    results = [];
    ran = [];
    online = true;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs each id once, answers every delivery, applies defaults and reports failures', async () => {
    const e = await make();
    await Promise.all([e.handle(cmd('a', 'reload')), e.handle(cmd('a', 'reload'))]);
    await e.handle(cmd('a', 'reload'));
    expect(ran).toEqual(['reload']);
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['a', true],
      ['a', true],
      ['a', true],
    ]);
    await e.handle(cmd('i', 'identify'));
    expect(ran).toContain('identify 30');
    await e.handle(cmd('s', 'screenshot'));
    expect(results.at(-1)).toMatchObject({ id: 's', ok: false, message: 'no shell attached' });
  });

  it('runs the reboot only after its result is stored and sent', async () => {
    const e = await make();
    await e.handle(cmd('r', 'reboot'));
    expect(ran).toEqual(['reboot!']);
    expect(results).toMatchObject([{ id: 'r', ok: true, message: 'rebooting' }]);
    const journal = JSON.parse(await readFile(join(dir, 'commands.json'), 'utf8'));
    expect(journal[0]).toMatchObject({ id: 'r', result: { ok: true } });
  });

  it('refuses stale commands and invalid payloads', async () => {
    const invalid: string[] = [];
    const e = await make(invalid);
    await e.handle(
      Buffer.from(JSON.stringify({ id: 'old', type: 'reload', issuedAt: '2026-06-14T00:00:00Z' })),
    );
    expect(ran).toEqual([]);
    expect(results[0]).toMatchObject({ id: 'old', ok: false, message: expect.stringMatching(/expired/) });
    await e.handle(cmd('b', 'brightness', { level: 300 }));
    await e.handle(Buffer.from('{"id":"x"'));
    expect(invalid).toHaveLength(2);
    expect(ran).toEqual([]);
  });

  it('remembers ids across restarts, bounded, and settles a command interrupted by a crash', async () => {
    const e = await make();
    for (const id of ['a', 'b', 'c', 'd']) await e.handle(cmd(id, 'reload'));
    const again = await make();
    await again.handle(cmd('d', 'reload'));
    expect(again.executed).toBe(0);
    // The oldest id fell out of the bounded journal.
    expect((JSON.parse(await readFile(join(dir, 'commands.json'), 'utf8')) as unknown[]).length).toBe(3);
    // A crash between "started" and "done".
    await writeFile(
      join(dir, 'commands.json'),
      JSON.stringify([{ id: 'z', type: 'brightness', result: null }]),
    );
    online = false;
    const afterCrash = await make();
    online = true;
    await afterCrash.flush();
    expect(results.at(-1)).toMatchObject({
      id: 'z',
      ok: false,
      message: expect.stringMatching(/interrupted/),
    });
    await afterCrash.handle(cmd('z', 'brightness', { level: 10 }));
    expect(ran).not.toContain('brightness 10');
  });

  it('keeps results it could not send and sends them after reconnecting', async () => {
    online = false;
    const e = await make();
    await e.handle(cmd('q', 'reload'));
    expect(results).toEqual([]);
    online = true;
    await e.flush();
    expect(results).toMatchObject([{ id: 'q', ok: true }]);
  });
});
