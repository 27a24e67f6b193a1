import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  aclFileText,
  mosquittoPasswordHash,
  verifyMosquittoHash,
  writeMosquittoFiles,
} from './mosquitto-files.ts';

const run = promisify(execFile);
let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

describe('mosquitto $7$ hashes', () => {
  it('verifies a hash made by Debian mosquitto_passwd, and mosquitto_passwd-compatible ones of ours', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'stander-mqpw-'));
    const file = path.join(dir, 'pw');
    await run('mosquitto_passwd', ['-c', '-b', file, 'scr-1', 's3cret-token']);
    const theirs = (await readFile(file, 'utf8')).trim().split(':')[1] ?? '';
    expect(theirs.startsWith('$7$')).toBe(true);
    expect(verifyMosquittoHash(theirs, 's3cret-token')).toBe(true);
    expect(verifyMosquittoHash(theirs, 's3cret-tokeN')).toBe(false);
    const ours = mosquittoPasswordHash('another');
    expect(ours).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(verifyMosquittoHash(ours, 'another')).toBe(true);
    expect(mosquittoPasswordHash('another')).not.toBe(ours); // salted
  });
});

describe('writeMosquittoFiles', () => {
  it('writes password and ACL files, only when they change, keeping the server hash stable', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'stander-mqfiles-'));
    const screens = [{ username: 'scr-1', hash: mosquittoPasswordHash('t1') }];
    const a = await writeMosquittoFiles({
      dir,
      serverUsername: 'stander-server',
      serverPassword: 'pw',
      screens,
    });
    expect(a.changed).toBe(true);
    const passwd = await readFile(a.passwordFile, 'utf8');
    expect(
      passwd
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(':')[0]),
    ).toEqual(['stander-server', 'scr-1']);
    const mtime = (await stat(a.passwordFile)).mtimeMs;
    const b = await writeMosquittoFiles({
      dir,
      serverUsername: 'stander-server',
      serverPassword: 'pw',
      screens,
    });
    expect(b.changed).toBe(false);
    expect((await stat(a.passwordFile)).mtimeMs).toBe(mtime);
    const c = await writeMosquittoFiles({
      dir,
      serverUsername: 'stander-server',
      serverPassword: 'pw',
      screens: [],
    });
    expect(c.changed).toBe(true);
    expect(await readFile(a.passwordFile, 'utf8')).not.toContain('scr-1');
    expect(await readFile(a.aclFile, 'utf8')).toBe(aclFileText('stander-server'));
  });

  it('refuses usernames that would break the file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'stander-mqfiles-'));
    await expect(
      writeMosquittoFiles({
        dir,
        serverUsername: 'stander-server',
        serverPassword: 'pw',
        screens: [{ username: 'evil\nuser x', hash: mosquittoPasswordHash('x') }],
      }),
    ).rejects.toThrow(/not allowed/);
  });

  it('writes the screen ACL as patterns of DESIGN.md', () => {
    const acl = aclFileText('stander-server');
    expect(acl).toContain('pattern write v1/screens/%u/status');
    expect(acl).toContain('pattern read v1/screens/%u/cmd');
    expect(acl).not.toMatch(/pattern (read|readwrite) v1\/screens\/%u\/(status|health)/);
    expect(acl).toContain('user stander-server\ntopic readwrite v1/#');
  });
});
