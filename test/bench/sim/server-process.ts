import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';

export interface ServerProcessOptions {
  dataDir: string;
  adminPassword: string;
  brokerUrl?: string;
  /** Reuse ports across a restart (connect-storm benchmark); 0 = any free port. */
  httpPort?: number;
  mqttPort?: number;
  env?: Record<string, string>;
  /** More startServer options (JSON-serialisable). */
  options?: Record<string, unknown>;
  /** Extra node flags for the server process, e.g. ['--cpu-prof', '--cpu-prof-dir=...']. */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

const CLK_TCK = 100; // USER_HZ on Linux

/** CPU seconds (user + system, all threads) a process has used so far, from /proc/PID/stat. */
export async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / CLK_TCK;
}

/** Resident memory of a process, bytes. */
export async function processRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** The control server running in a child process (see server-child.ts). */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly httpUrl: string,
    readonly mqttPort: number | null,
    readonly options: ServerProcessOptions,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get httpPort(): number {
    return Number(new URL(this.httpUrl).port);
  }

  static async start(o: ServerProcessOptions): Promise<ServerProcess> {
    const child = fork(new URL('./server-child.ts', import.meta.url), [JSON.stringify(o)], {
      execArgv: ['--import', 'tsx', ...(o.nodeFlags ?? [])],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: {
        ...process.env,
        UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? String(Math.max(4, os.cpus().length)),
      },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8000);
    });
    const ready = await new Promise<{ httpUrl: string; mqttPort: number | null }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server did not start within ${o.startTimeoutMs ?? 60_000} ms: ${stderr}`));
      }, o.startTimeoutMs ?? 60_000);
      child.on(
        'message',
        (m: { type: string; httpUrl?: string; mqttPort?: number | null; error?: string }) => {
          if (m.type === 'ready') {
            clearTimeout(timer);
            resolve({ httpUrl: m.httpUrl ?? '', mqttPort: m.mqttPort ?? null });
          } else if (m.type === 'error') {
            clearTimeout(timer);
            reject(new Error(`server failed to start: ${m.error}`));
          }
        },
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}) before it was ready: ${stderr}`));
      });
    });
    return new ServerProcess(child, ready.httpUrl, ready.mqttPort, o);
  }

  cpuSeconds(): Promise<number> {
    return processCpuSeconds(this.pid);
  }

  rssBytes(): Promise<number> {
    return processRssBytes(this.pid);
  }

  /** Event-loop delay of the server since the previous call. */
  loopDelay(): Promise<{ p99Ms: number; maxMs: number; meanMs: number }> {
    return new Promise((resolve) => {
      const on = (m: { type: string; p99Ms: number; maxMs: number; meanMs: number }) => {
        if (m.type !== 'loop') return;
        this.child.off('message', on);
        resolve(m);
      };
      this.child.on('message', on);
      this.child.send({ type: 'loop' });
    });
  }

  /** Graceful stop (the server closes its broker and flushes its store). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.send({ type: 'stop' });
    const t = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }

  /** kill -9: what a power cut does to the server. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    await exited;
  }
}
