import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The packaging configuration, validated without building (a real build needs a network). */

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;

interface BuilderConfig {
  appId: string;
  extraMetadata: { main: string };
  files: string[];
  afterPack: string;
  linux: { target: Array<{ target: string; arch: string[] }>; extraResources: Array<{ from: string }> };
  deb: { afterInstall: string; afterRemove: string };
}

async function loadConfig(): Promise<BuilderConfig> {
  return parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    const config = await loadConfig();
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
    await expect(
      validateConfiguration(
        { ...config, linux: { ...config.linux, tagret: 'deb' } },
        { isEnabled: false, add() {} },
      ),
    ).rejects.toThrow(/configuration\.linux/);
  });

  it('builds AppImage and deb for x64 and arm64', async () => {
    const { linux } = await loadConfig();
    const targets = Object.fromEntries(linux.target.map((t) => [t.target, [...t.arch].sort()]));
    expect(targets).toEqual({ AppImage: ['arm64', 'x64'], deb: ['arm64', 'x64'] });
  });

  it('packs the bundled main, the preload and the built renderer, and starts the bundled main', async () => {
    const config = await loadConfig();
    expect(config.extraMetadata.main).toBe('dist/electron/main.mjs');
    expect(config.files).toEqual(
      expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', '!**/*.map']),
    );
    expect(config.files).toContain('!node_modules/playwright-core/**');
    for (const p of [
      config.afterPack,
      config.deb.afterInstall,
      config.deb.afterRemove,
      ...config.linux.extraResources.map((r) => r.from),
    ]) {
      await expect(readFile(join(root, p))).resolves.toBeDefined();
    }
  });

  it('afterPack flips every fuse on the packed binary with @electron/fuses', async () => {
    const { FUSES } = require('../packaging/fuses.cjs') as { FUSES: Record<string, unknown> };
    const fuses = require('@electron/fuses') as typeof import('@electron/fuses');
    const { FuseV1Options } = fuses;
    expect(FUSES).toMatchObject({
      strictlyRequireAllFuses: true,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
    });
    // A packed app directory holding a stand-in binary with Electron's fuse wire: sentinel,
    // version 1, 8 fuses, all in their default state (RunAsNode and NODE_OPTIONS enabled).
    const appOutDir = await mkdtemp(join(tmpdir(), 'stander-pack-'));
    try {
      const wire = Buffer.from([1, 8, 49, 48, 49, 49, 48, 48, 48, 49]);
      const binary = Buffer.concat([
        Buffer.alloc(64, 7),
        Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
        wire,
        Buffer.alloc(32, 7),
      ]);
      await writeFile(join(appOutDir, 'stander-kiosk'), binary);
      const afterPack = require('../packaging/after-pack.cjs') as { default(ctx: unknown): Promise<void> };
      await afterPack.default({
        electronPlatformName: 'linux',
        appOutDir,
        packager: { executableName: 'stander-kiosk', appInfo: { productFilename: 'Stander Kiosk' } },
      });
      const after = await fuses.getCurrentFuseWire(join(appOutDir, 'stander-kiosk'));
      const ON = 49;
      const OFF = 48;
      expect(after[FuseV1Options.RunAsNode]).toBe(OFF);
      expect(after[FuseV1Options.EnableCookieEncryption]).toBe(ON);
      expect(after[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
      expect(after[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
      expect(after[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
      expect(after[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
    } finally {
      await rm(appOutDir, { recursive: true, force: true });
    }
  });
});

describe('systemd unit', () => {
  const unitPath = join(root, 'packaging/stander-kiosk.service');

  function ini(text: string): Record<string, Record<string, string[]>> {
    const out: Record<string, Record<string, string[]>> = {};
    let section = '';
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const s = /^\[(.+)\]$/.exec(line);
      if (s) {
        section = s[1]!;
        out[section] = {};
        continue;
      }
      const i = line.indexOf('=');
      const key = line.slice(0, i);
      const values = out[section]![key] ?? [];
      values.push(line.slice(i + 1));
      out[section]![key] = values;
    }
    return out;
  }

  it('restarts always, is watched by systemd and reads the provisioned identity', async () => {
    const unit = ini(await readFile(unitPath, 'utf8'));
    const svc = unit.Service!;
    expect(svc.Restart).toEqual(['always']);
    expect(svc.Type).toEqual(['notify']);
    expect(svc.NotifyAccess).toEqual(['all']);
    expect(Number(svc.WatchdogSec?.[0])).toBeGreaterThan(0);
    expect(svc.Environment).toContain('STANDER_SCREEN_FILE=/etc/stander/screen.json');
    expect(unit.Unit?.StartLimitIntervalSec).toEqual(['0']);
    expect(unit.Install?.WantedBy).toEqual(['graphical.target']);
  });

  it('is accepted by systemd-analyze (apart from the app not being installed here)', async () => {
    const probe = spawnSync('systemd-analyze', ['--version']);
    if (probe.error) {
      console.warn('systemd-analyze not installed: unit syntax check skipped');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'stander-unit-'));
    try {
      await copyFile(unitPath, join(dir, 'stander-kiosk.service'));
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'stander-kiosk.service')], {
        encoding: 'utf8',
      });
      const complaints = `${r.stdout}${r.stderr}`
        .split('\n')
        .filter((l) => /stander-kiosk\.service/.test(l))
        .filter(
          (l) => !/is not executable|No such file|Failed to create|Unit .* not found|Command .* not/.test(l),
        );
      expect(complaints).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
