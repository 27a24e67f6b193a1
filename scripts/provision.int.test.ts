import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../control-server/log.ts';
import { type StanderServer, startServer } from '../control-server/server.ts';
import { readScreenFile } from '../kiosk/main/screen-file.ts';
import { defaultMqttUrl, provision } from './provision.ts';

const ADMIN_PASSWORD = 'provision-test-password-1';

describe('npm run provision (real control server)', () => {
  let dir: string;
  let server: StanderServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-provision-'));
    server = await startServer({
      dataDir: join(dir, 'data'),
      httpPort: 0,
      mqttPort: 0,
      host: '127.0.0.1',
      adminPassword: ADMIN_PASSWORD,
      log: silentLogger(),
    });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the screen and writes a 0600 file whose token the broker accepts', async () => {
    const out = join(dir, 'etc/stander/screen.json');
    const file = await provision({
      server: server.httpUrl,
      name: 'Torvet kiosk',
      profile: 'street-kiosk',
      lat: 55.676,
      lon: 12.568,
      groups: ['centre'],
      tags: ['touch'],
      username: 'admin',
      password: ADMIN_PASSWORD,
      out,
    });
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(await readScreenFile(out)).toEqual(file);
    expect(file.mqttUrl).toBe(defaultMqttUrl(server.httpUrl));
    const record = server.store.getScreen(file.screenId);
    expect(record).toMatchObject({
      name: 'Torvet kiosk',
      profile: 'street-kiosk',
      groups: ['centre'],
      tags: ['touch'],
    });
    expect(await server.store.verifyScreenToken(file.screenId, file.token)).toBe(true);
  });

  it('as a command: reads the password from the environment, never prints the token, exits 1 on a bad login', async () => {
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn('npx', ['tsx', 'scripts/provision.ts', ...args], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
        });
        child.stderr.on('data', (d) => {
          out += String(d);
        });
        child.on('exit', (code) => resolve({ code, out }));
      });
    const out = join(dir, 'cli/screen.json');
    const args = [
      '--server',
      server.httpUrl,
      '--name',
      'Nyhavn post',
      '--profile',
      'parking-post',
      '--lat',
      '55.68',
      '--lon',
      '12.59',
      '--groups',
      'harbour,parking',
      '--id',
      'nyhavn-post',
      '--out',
      out,
    ];
    const asRoot = process.getuid?.() === 0;
    const ok = await run(asRoot ? [...args, '--owner', 'nobody'] : args, {
      STANDER_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('nyhavn-post');
    const st = await stat(out);
    expect(st.mode & 0o777).toBe(0o600);
    if (asRoot) expect(st.uid).toBe(Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout));
    const written = JSON.parse(await readFile(out, 'utf8')) as { token: string };
    expect(ok.out).not.toContain(written.token);
    expect(server.store.getScreen('nyhavn-post')?.groups).toEqual(['harbour', 'parking']);

    const bad = await run([...args.slice(0, -2), '--out', join(dir, 'bad.json'), '--id', 'other'], {
      STANDER_ADMIN_PASSWORD: 'wrong-password',
    });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/login failed: HTTP 401/);
    await expect(stat(join(dir, 'bad.json'))).rejects.toThrow(/ENOENT/);

    const missing = await run(['--server', server.httpUrl], { STANDER_ADMIN_PASSWORD: ADMIN_PASSWORD });
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/--name is required/);
  });
});
