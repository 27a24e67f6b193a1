import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on 127.0.0.1 (small race until the caller binds it; callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline)
          reject(new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface MosquittoHandle {
  port: number;
  url: string;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts a bare Mosquitto for the baseline: anonymous, unlimited connections, no persistence,
 * loopback only. `extraConf` lines are appended (e.g. password_file/acl_file for external mode).
 */
export async function startMosquitto(
  opts: { extraConf?: string[]; anonymous?: boolean } = {},
): Promise<MosquittoHandle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stander-bench-mosq-'));
  let lastErr: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = [
      `listener ${port} 127.0.0.1`,
      `allow_anonymous ${opts.anonymous ?? true}`,
      'max_connections -1',
      'max_queued_messages 10000',
      'persistence false',
      'set_tcp_nodelay true',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      // Without this, a broker started as root drops to the "mosquitto" user and cannot read our temp files.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      ...(opts.extraConf ?? []),
    ].join('\n');
    const confPath = path.join(dir, 'mosquitto.conf');
    await writeFile(confPath, `${conf}\n`);
    const child: ChildProcess = spawn('mosquitto', ['-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await Promise.race([
        waitForPort(port, 5000),
        exited.then(() => {
          throw new Error(`mosquitto exited: ${stderr.trim()}`);
        }),
      ]);
    } catch (e) {
      lastErr = e as Error;
      child.kill('SIGKILL');
      continue;
    }
    return {
      port,
      url: `mqtt://127.0.0.1:${port}`,
      pid: child.pid ?? -1,
      dir,
      async stop() {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(t);
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastErr ?? new Error('could not start mosquitto');
}

/** Publishes a file's bytes with the mosquitto_pub CLI; resolves when the process exits. */
export function mosquittoPub(args: {
  port: number;
  topic: string;
  file: string;
  qos: 0 | 1;
  retain: boolean;
  username?: string;
  password?: string;
}): Promise<void> {
  const argv = [
    '-h',
    '127.0.0.1',
    '-p',
    String(args.port),
    '-t',
    args.topic,
    '-f',
    args.file,
    '-q',
    String(args.qos),
  ];
  if (args.retain) argv.push('-r');
  if (args.username) argv.push('-u', args.username);
  if (args.password) argv.push('-P', args.password);
  return new Promise((resolve, reject) => {
    execFile('mosquitto_pub', argv, { timeout: 30_000 }, (err, _out, stderr) => {
      if (err) reject(new Error(`mosquitto_pub failed: ${stderr || err.message}`));
      else resolve();
    });
  });
}
