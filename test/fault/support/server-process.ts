import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * The real control server as a child process (control-server/main.ts through tsx), for faults that
 * need a real process: kill -9, a full disk under its data directory, log capture.
 */
export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface ServerProcess {
  child: ChildProcess;
  http: string;
  mqttUrl: string;
  mqttPort: number;
  /** Everything the process wrote so far (stdout + stderr). */
  output: () => string;
  exited: Promise<NodeJS.Signals | number | null>;
}

const live = new Set<ChildProcess>();

/** SIGKILLs every server process this module started and that still runs (for afterAll). */
export function killAllServerProcesses(): void {
  for (const c of live) c.kill('SIGKILL');
}

export function startServerProcess(
  dataDir: string,
  opts: { adminPassword: string; env?: Record<string, string>; ports?: { http: number; mqtt: number } } = {
    adminPassword: 'fault-admin-password',
  },
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'control-server/main.ts',
      '--data-dir',
      dataDir,
      '--http-port',
      String(opts.ports?.http ?? 0),
      '--mqtt-port',
      String(opts.ports?.mqtt ?? 0),
      '--host',
      '127.0.0.1',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        STANDER_ADMIN_PASSWORD: opts.adminPassword,
        STANDER_LOG_LEVEL: 'warn',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ?? code);
    }),
  );
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 45_000);
    const onData = () => {
      const m = /Stander control server ready: http=(\S+) mqtt=(\S+)/.exec(out);
      if (m?.[1] && m[2]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve({
          child,
          http: m[1],
          mqttUrl: m[2],
          mqttPort: Number(new URL(m[2]).port),
          output: () => out,
          exited,
        });
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${how}) before it was ready:\n${out}`));
    });
  });
}

export async function login(http: string, username: string, password: string): Promise<string> {
  const r = await fetch(`${http}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

export async function postJson(
  url: string,
  token: string,
  body: unknown,
  method = 'POST',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, unknown> };
}
