#!/usr/bin/env node
// Makes a fresh machine ready: npm dependencies, Debian's Chromium and Mosquitto, the built UIs.
// Runs before `npm start` and `npm test`; uses only Node's built-ins so it works before `npm ci`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const quiet = process.argv.includes('--quiet');
const wantBuild = process.argv.includes('--build');
const log = (m) => {
  if (!quiet) console.log(`[setup] ${m}`);
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`[setup] "${cmd} ${args.join(' ')}" failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

// 1. npm dependencies, reinstalled when package-lock.json changed since the last install.
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.stander-lock-hash');
const lockHash = existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : 'none';
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  console.log('[setup] installing npm dependencies');
  run('npm', existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, lockHash);
} else log('npm dependencies up to date');

// 2. System packages: Chromium (kiosk browser shell, end-to-end tests) and Mosquitto (interop tests).
const which = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const wanted = [
  ['chromium', 'chromium'],
  ['mosquitto', 'mosquitto'],
  ['mosquitto_pub', 'mosquitto-clients'],
];
const missing = [
  ...new Set(wanted.filter(([bin]) => !which(bin) && !existsSync(`/usr/sbin/${bin}`)).map(([, pkg]) => pkg)),
];
if (!existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')) missing.push('fonts-dejavu-core');
if (missing.length > 0) {
  const isRoot = process.getuid?.() === 0;
  const hasApt = which('apt-get');
  if (!hasApt) {
    console.error(
      `[setup] missing system packages: ${missing.join(', ')}; install them with your package manager`,
    );
    process.exit(1);
  }
  console.log(`[setup] installing Debian packages: ${missing.join(', ')}`);
  const sudo = isRoot ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(isRoot ? [] : ['apt-get']), 'update', '-qq'], { env });
  run(
    sudo[0] ?? 'apt-get',
    [...sudo.slice(1), ...(isRoot ? [] : ['apt-get']), 'install', '-y', '-qq', ...missing],
    {
      env,
    },
  );
  // Debian's package starts a system-wide Mosquitto on 1883 where an init system runs; the project
  // starts its own brokers on free ports, so stop that one to leave 1883 to the embedded broker.
  spawnSync('sh', ['-c', 'service mosquitto stop >/dev/null 2>&1 || true'], { stdio: 'ignore' });
} else log('chromium and mosquitto present');

// 3. Built UIs (kiosk renderer, dashboard), when asked or missing.
if (wantBuild) {
  run('node', ['scripts/build.mjs', '--if-stale']);
}
