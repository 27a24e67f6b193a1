import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Helpers for the broker integration tests: Debian's real mosquitto_sub/mosquitto_pub, temp dirs, ports. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Cred {
  port: number;
  user: string;
  pass: string;
  /** Client id; defaults to the username (the broker's client-id rule). */
  id?: string;
}

function credArgs(c: Cred): string[] {
  return [
    '-h',
    '127.0.0.1',
    '-p',
    String(c.port),
    '-u',
    c.user,
    '-P',
    c.pass,
    '-i',
    c.id ?? c.user,
    '-V',
    'mqttv311',
  ];
}

/** mosquitto_sub: collects up to `count` messages (-v: "topic payload" lines) within `waitS` seconds. */
export function mosquittoSub(c: Cred, filters: string[], count: number, waitS: number): Promise<RunResult> {
  const args = [...credArgs(c), '-d', '-v', '-q', '1', '-C', String(count), '-W', String(waitS)];
  for (const f of filters) args.push('-t', f);
  return run('mosquitto_sub', args, (waitS + 10) * 1000);
}

export function mosquittoPub(c: Cred, topic: string, message: string, opts: { retain?: boolean } = {}) {
  const args = [...credArgs(c), '-d', '-q', '1', '-t', topic, '-m', message];
  if (opts.retain) args.push('-r');
  return run('mosquitto_pub', args);
}

/** Lines "Subscribed (mid: 1): 1, 128" -> the granted QoS list of the SUBACK. */
export function subackCodes(debugOutput: string): number[] {
  const m = /Subscribed \(mid: \d+\): ([\d, ]+)/.exec(debugOutput);
  return m?.[1]
    ? m[1]
        .trim()
        .split(/[\s,]+/)
        .map(Number)
    : [];
}

/** The "topic payload" lines mosquitto_sub -v printed (debug lines start with "Client "). */
export function messages(stdout: string): Array<{ topic: string; payload: string }> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('v1/') || l.startsWith('$'))
    .map((l) => {
      const i = l.indexOf(' ');
      return { topic: l.slice(0, i), payload: l.slice(i + 1) };
    });
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `stander-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  fn: () => T | undefined | null | false,
  timeoutMs: number,
  stepMs = 50,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const statusJson = (state: 'online' | 'offline', extra: Record<string, string> = {}) =>
  JSON.stringify({ state, at: new Date().toISOString(), ...extra });
